import { parseDidUrl } from '../../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import type { KeyPair } from '../../../core/keys/key-type.ts';
import type { TransactionSigner } from '../../../ledger/transaction.ts';

/**
 * A key that signs for a DID: the verification method it is (a DID URL such as
 * `did:ddi:…#key-1`, of the DID itself or of a controller DID) and its key pair.
 */
export interface DidSigner {
  kid: string;
  keyPair: KeyPair;
}

/** The signer for verification method `fragment` of `did`. */
export function didSigner(did: string, fragment: string, keyPair: KeyPair): DidSigner {
  return { kid: `${did}#${fragment}`, keyPair };
}

/** Splits a signer's kid into its DID and fragment; `malformed` if it names no fragment. */
export function signerParts(signer: DidSigner): { did: string; fragment: string } {
  const { did, fragment } = parseDidUrl(signer.kid);
  if (!fragment) {
    throw new DdiError(
      ErrorCode.Malformed,
      `signer kid must name a key (did#fragment): ${signer.kid}`,
    );
  }
  return { did, fragment };
}

/** The ledger's signer shape for a DidSigner. */
export function toTransactionSigner(signer: DidSigner): TransactionSigner {
  return { kid: signer.kid, type: signer.keyPair.type, privateKey: signer.keyPair.privateKey };
}
