import { base58btc } from 'multiformats/bases/base58';
import { canonicalBytes } from '../encoding/canonical-json.ts';
import { base64url } from '../encoding/base64url.ts';
import { sha256 } from '../hash/index.ts';
import { DdiError, ErrorCode } from '../errors.ts';
import type { DidDocumentContent } from './document-content.ts';

/**
 * The four did:ddi operations. Each is the payload of one ledger transaction
 * (types `did.create`, `did.update`, `did.recover`, `did.deactivate`); the transaction's
 * proofs say who signed it. docs/did-method.md specifies them.
 */
export interface CreateDidOperation {
  document: DidDocumentContent;
  /** recoveryCommitment(recovery public key): the key itself stays secret until used. */
  recoveryCommitment: string;
}

export interface UpdateDidOperation {
  did: string;
  /** The versionId this update replaces; anything else is `staleVersion`. */
  previousVersionId: string;
  document: DidDocumentContent;
}

export interface RecoverDidOperation {
  did: string;
  previousVersionId: string;
  document: DidDocumentContent;
  /** The recovery public key (Multikey), revealed now; must match the stored commitment. */
  recoveryKey: string;
  /** Commitment to the next recovery key: a revealed recovery key is never reused. */
  nextRecoveryCommitment: string;
}

export interface DeactivateDidOperation {
  did: string;
  previousVersionId: string;
  /** Present when the recovery key signs; absent when a controller DID signs. */
  recoveryKey?: string;
}

export type DidOperationType = 'did.create' | 'did.update' | 'did.recover' | 'did.deactivate';

/** The DID a create operation makes: did:ddi:base58btc(SHA-256(JCS(operation))). */
export function didFromCreateOperation(operation: CreateDidOperation): string {
  const digest = sha256(
    canonicalBytes({
      document: operation.document,
      recoveryCommitment: operation.recoveryCommitment,
    }),
  );
  // multiformats' base58btc prefixes 'z' (multibase); the suffix is the bare base58 text.
  return `did:ddi:${base58btc.encode(digest).slice(1)}`;
}

/**
 * Commitment to a recovery key: base64url(SHA-256(utf8(publicKeyMultibase))). The key is
 * random, so an unsalted hash reveals nothing; it hides the key's algorithm too.
 */
export function recoveryCommitment(recoveryKeyMultibase: string): string {
  return base64url.encode(sha256(new TextEncoder().encode(recoveryKeyMultibase)));
}

/** versionId strings are the decimal version number: "1" is the create. */
export function parseVersionId(value: unknown): number {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,15}$/.test(value)) {
    throw new DdiError(ErrorCode.Malformed, 'versionId must be a positive decimal integer string');
  }
  return Number(value);
}
