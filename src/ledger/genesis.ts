import { canonicalBytes } from '../core/encoding/canonical-json.ts';
import { sha256 } from '../core/hash/index.ts';
import { DdiError, ErrorCode } from '../core/errors.ts';
import { publicKeyFromMultibase, publicKeyToMultibase } from '../core/keys/index.ts';
import type { KeyPair } from '../core/keys/key-type.ts';
import { didFromCreateOperation, recoveryCommitment } from '../core/did/index.ts';
import { hex } from './block.ts';
import type { Transaction } from './transaction.ts';
import { decodeTransaction, signTransaction } from './transaction.ts';
import { validateGovernanceSettings } from './registries/governance-registry.ts';

/**
 * The document a network starts from. Every node of a network holds the same genesis;
 * its hash is recorded in the data directory and a node refuses any other.
 */
export interface Genesis {
  chainId: string;
  /** Milliseconds since the epoch: the time of block 0. */
  time: number;
  /** Operators whose keys sign block headers (Multikey public keys). */
  operators: Array<{ name: string; publicKeyMultibase: string }>;
  /** The regulator's DID and its M-of-N governance keys. */
  governance: {
    regulator: string;
    threshold: number;
    keys: Array<{ id: string; publicKeyMultibase: string }>;
  };
  /** Transactions applied in block 0, in order — at least the regulator's did.create. */
  transactions: Transaction[];
}

/** State key under which the genesis is committed in block 0. */
export const GENESIS_STATE_KEY = 'network/genesis';

/** hex SHA-256 of the genesis' canonical JSON. */
export function genesisHash(genesis: Genesis): string {
  return hex(sha256(canonicalBytes(genesis)));
}

export interface GenesisOptions {
  chainId: string;
  time?: number;
  operators: Array<{ name: string; key: KeyPair }>;
  regulator: {
    /** The regulator DID's own signing key (key-1) and its recovery key. */
    signingKey: KeyPair;
    recoveryKey: KeyPair;
    /** The M-of-N governance keys (gov-1 … gov-N) and M. */
    governanceKeys: KeyPair[];
    threshold: number;
  };
}

/** Builds a genesis: the regulator's DID (created in block 0), its governance keys, the operators. */
export function createGenesis(options: GenesisOptions): { genesis: Genesis; regulatorDid: string } {
  const { signingKey, recoveryKey, governanceKeys, threshold } = options.regulator;
  const multikey = (k: KeyPair) => publicKeyToMultibase(k.type, k.publicKey);
  const payload = {
    document: {
      verificationMethod: [
        { id: 'key-1', type: 'Multikey' as const, publicKeyMultibase: multikey(signingKey) },
      ],
      authentication: ['key-1'],
      assertionMethod: ['key-1'],
      capabilityInvocation: ['key-1'],
    },
    recoveryCommitment: recoveryCommitment(multikey(recoveryKey)),
  };
  const regulatorDid = didFromCreateOperation(payload);
  const create = signTransaction({ chainId: options.chainId, type: 'did.create', payload }, [
    { kid: `${regulatorDid}#key-1`, type: signingKey.type, privateKey: signingKey.privateKey },
  ]);
  const genesis: Genesis = {
    chainId: options.chainId,
    time: options.time ?? Date.now(),
    operators: options.operators.map((o) => ({
      name: o.name,
      publicKeyMultibase: multikey(o.key),
    })),
    governance: {
      regulator: regulatorDid,
      threshold,
      keys: governanceKeys.map((k, i) => ({ id: `gov-${i + 1}`, publicKeyMultibase: multikey(k) })),
    },
    transactions: [create],
  };
  return { genesis: validateGenesis(genesis), regulatorDid };
}

/** Checks an untrusted genesis document. Throws `malformed`. */
export function validateGenesis(value: unknown): Genesis {
  const g = value as Partial<Genesis> | null;
  const ok =
    typeof g === 'object' &&
    g !== null &&
    typeof g.chainId === 'string' &&
    /^[A-Za-z0-9._-]{1,64}$/.test(g.chainId) &&
    Number.isSafeInteger(g.time) &&
    Array.isArray(g.operators) &&
    g.operators.length > 0 &&
    g.operators.every(
      (o) => typeof o?.name === 'string' && typeof o.publicKeyMultibase === 'string',
    );
  if (!ok)
    throw new DdiError(
      ErrorCode.Malformed,
      'genesis must have chainId, time and at least one operator',
    );
  for (const o of g.operators!) publicKeyFromMultibase(o.publicKeyMultibase);
  if (typeof g.governance !== 'object' || g.governance === null) {
    throw new DdiError(
      ErrorCode.Malformed,
      'genesis must name the regulator and its governance keys',
    );
  }
  const governance = validateGovernanceSettings(g.governance);
  if (!Array.isArray(g.transactions)) {
    throw new DdiError(ErrorCode.Malformed, 'genesis.transactions must be an array');
  }
  const transactions = g.transactions.map((t) => decodeTransaction(t).tx);
  return { chainId: g.chainId!, time: g.time!, operators: g.operators!, governance, transactions };
}
