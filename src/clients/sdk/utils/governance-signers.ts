import { parseDidUrl } from '../../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import type { KeyPair } from '../../../core/keys/key-type.ts';
import type { Transaction } from '../../../ledger/transaction.ts';
import { signTransaction } from '../../../ledger/transaction.ts';
import type { DidSigner } from './did-signer.ts';
import { didSigner, toTransactionSigner } from './did-signer.ts';

/**
 * Signers for the regulator: some of its M-of-N governance keys, each signing with kid
 * `<regulator DID>#<key id>` (`gov-1` …). Fewer than M is fine for a transaction whose other
 * signatures are collected separately (`signGovernanceTransaction`).
 */
export interface GovernanceSigners {
  regulator: string;
  signers: DidSigner[];
}

/** Who signs a registry transaction: the regulator's governance keys, or one DID's key. */
export type RegistrySigner = DidSigner | GovernanceSigners;

/** Governance signers from the regulator's DID and some of its governance keys by id. */
export function governanceSigners(
  regulatorDid: string,
  keys: Array<{ id: string; keyPair: KeyPair }>,
): GovernanceSigners {
  if (keys.length === 0) {
    throw new DdiError(ErrorCode.Malformed, 'governance signers need at least one key');
  }
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) {
    throw new DdiError(ErrorCode.Malformed, 'each governance key signs once');
  }
  return {
    regulator: regulatorDid,
    signers: keys.map((k) => didSigner(regulatorDid, k.id, k.keyPair)),
  };
}

/** True if `signer` is a set of governance signers rather than one DID's key. */
export function isGovernanceSigners(
  signer: DidSigner | GovernanceSigners,
): signer is GovernanceSigners {
  return 'signers' in signer;
}

/** The governance key ids (`gov-1` …) whose proofs `tx` carries for `regulator`. */
export function governanceKeyIdsOf(tx: Transaction, regulator: string): string[] {
  const ids: string[] = [];
  for (const proof of tx.proofs) {
    try {
      const url = parseDidUrl(proof.kid);
      if (url.did === regulator && url.fragment) ids.push(url.fragment);
    } catch {
      // Not a DID URL: not a governance proof.
    }
  }
  return ids;
}

/**
 * Adds governance proofs to a transaction that other key holders have partly signed. Every
 * proof signs the body alone, so proofs made apart combine; the body is not changed (a
 * change would invalidate the proofs already there). Refuses a key that already signed.
 */
export function signGovernanceTransaction(
  tx: Transaction,
  signer: DidSigner | GovernanceSigners,
): Transaction {
  const added = isGovernanceSigners(signer) ? signer.signers : [signer];
  for (const s of added) {
    if (tx.proofs.some((p) => p.kid === s.kid)) {
      throw new DdiError(ErrorCode.Conflict, `the transaction is already signed by ${s.kid}`, {
        kid: s.kid,
      });
    }
  }
  const fresh = signTransaction(tx.body, added.map(toTransactionSigner));
  return { body: tx.body, proofs: [...tx.proofs, ...fresh.proofs] };
}
