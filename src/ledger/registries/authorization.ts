import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { publicKeyFromMultibase } from '../../core/keys/index.ts';
import {
  findVerificationMethod,
  hasRelationship,
  parseDdiDid,
  parseDidUrl,
} from '../../core/did/index.ts';
import type { DidDocumentContent } from '../../core/did/index.ts';
import type { TransactionProof } from '../transaction.ts';
import type { TxContext } from './tx-context.ts';
import { readDidRecord } from './did-state.ts';

/** The payload as an object, refusing fields the transaction type does not define. */
export function payloadFields(ctx: TxContext, fields: readonly string[]): Record<string, unknown> {
  const payload = ctx.tx.body.payload as Record<string, unknown>;
  for (const key of Object.keys(payload)) {
    ensure(fields.includes(key), ErrorCode.Malformed, `unknown payload field "${key}"`);
  }
  return payload;
}

/** The one proof of a transaction signed by a single key. */
export function singleProof(ctx: TxContext): TransactionProof {
  ensure(
    ctx.tx.proofs.length === 1,
    ErrorCode.Malformed,
    `${ctx.tx.body.type} carries exactly one proof`,
  );
  return ctx.tx.proofs[0]!;
}

/** Verifies a proof made by a capabilityInvocation key of `content` (the document of `signerDid`). */
export function checkInvocationProof(
  ctx: TxContext,
  proof: TransactionProof,
  signerDid: string,
  content: DidDocumentContent,
): void {
  const fragment = parseDidUrl(proof.kid).fragment ?? '';
  const vm = findVerificationMethod(content, fragment);
  if (!vm) throw new DdiError(ErrorCode.UnknownKey, `${proof.kid} is not a key of ${signerDid}`);
  ensure(
    hasRelationship(content, 'capabilityInvocation', fragment),
    ErrorCode.Unauthorized,
    `${proof.kid} is not a capabilityInvocation key`,
  );
  const key = publicKeyFromMultibase(vm.publicKeyMultibase);
  ensure(
    ctx.signatures.check(ctx.tx, ctx.txId, proof, key.type, key.publicKey),
    ErrorCode.BadSignature,
    `signature by ${proof.kid} does not verify`,
  );
}

/**
 * Authorizes a transaction signed by one DID acting for itself: the proof's kid names a
 * capabilityInvocation key of an active DID. Returns that DID.
 */
export function authorizeDidSigner(ctx: TxContext, proof: TransactionProof): string {
  const signerDid = parseDidUrl(proof.kid).did;
  const record = readDidRecord(ctx.state, signerDid);
  if (!record) throw new DdiError(ErrorCode.UnknownKey, `signer ${signerDid} is not on the ledger`);
  ensure(
    !record.deactivated && record.content,
    ErrorCode.Unauthorized,
    `signer ${signerDid} is deactivated`,
  );
  checkInvocationProof(ctx, proof, signerDid, record.content);
  return signerDid;
}

/**
 * What people put between the digits of a phone or ID number ("138 0013 8000",
 * "138-0013-8000", "(010) 6552.9988"): whitespace, `. - / : _ ( )` and any dash. The text is
 * NFKC-normalized first, which folds the full-width forms (`－ ／ （ ） ＿ ：．`, the
 * ideographic space) and full-width digits into these.
 */
const NUMBER_SEPARATORS = /[\s.\-/:_()\p{Pd}]/gu;

/**
 * Refuses (`malformed`, `details.field`) text holding a number of `refusedRun` or more
 * digits once separators are taken out: what a phone number (11 digits), an ID number
 * (18) or an account number looks like. The one check of every free-text field the ledger
 * stores, because whatever a transaction writes is public and permanent.
 */
export function noPersonalNumbers(text: string, field: string, refusedRun: number): string {
  const joined = text.normalize('NFKC').replace(NUMBER_SEPARATORS, '');
  ensure(
    !new RegExp(`\\p{Nd}{${refusedRun},}`, 'u').test(joined),
    ErrorCode.Malformed,
    `${field} may not hold personal data: no number of ${refusedRun} or more digits, separators included`,
    { field, reason: 'personalNumber' },
  );
  return text;
}

/** A short reason code or text; never personal data (documented in docs/governance.md). */
export function optionalReason(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  ensure(
    typeof value === 'string' && value.length > 0 && value.length <= 200,
    ErrorCode.Malformed,
    'reason must be a string of at most 200 characters',
  );
  return noPersonalNumbers(value, 'reason', 11);
}

/** A client-chosen nonce that makes otherwise identical transactions distinct. */
export function nonceField(value: unknown): string {
  ensure(
    typeof value === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(value),
    ErrorCode.Malformed,
    'nonce must be 8-64 base64url characters',
  );
  return value;
}

/** A version number a change names as the one it replaces. */
export function previousVersionField(value: unknown, current: number, what: string): void {
  ensure(
    Number.isSafeInteger(value) && (value as number) > 0,
    ErrorCode.Malformed,
    'previousVersion must be a positive integer',
  );
  if (value !== current) {
    throw new DdiError(
      ErrorCode.StaleVersion,
      `${what} is at version ${current}, not ${String(value)}`,
      {
        currentVersion: current,
      },
    );
  }
}

/** A payload field naming an active DID (`notFound` if it is not on the ledger or deactivated). */
export function activeDidField(ctx: TxContext, value: unknown, field: string): string {
  ensure(typeof value === 'string', ErrorCode.Malformed, `${field} must be a DID`, { field });
  const did = parseDdiDid(value);
  const record = readDidRecord(ctx.state, did);
  ensure(record && !record.deactivated, ErrorCode.NotFound, `${did} is not an active DID`, {
    field,
  });
  return did;
}
