import { canonicalBytes } from '../core/encoding/canonical-json.ts';
import { base64url } from '../core/encoding/base64url.ts';
import { sha256 } from '../core/hash/index.ts';
import { DdiError, ErrorCode } from '../core/errors.ts';
import { sign, verify } from '../core/keys/index.ts';
import type { KeyTypeName } from '../core/keys/key-type.ts';

/**
 * A ledger transaction: a canonical JSON body and the proofs (signatures) over it.
 * The id is SHA-256 of the body's RFC 8785 bytes — not of the proofs, so re-encoding a
 * signature (ECDSA's (r, n−s)) cannot make a second id for the same transaction.
 */
export interface TransactionBody<P = unknown> {
  /** Network the transaction is for; a node rejects any other (`wrongChain`). */
  chainId: string;
  type: string;
  payload: P;
}

export interface TransactionProof {
  /** Who signed: a DID URL naming a verification method, or `recovery` for a revealed recovery key. */
  kid: string;
  /** base64url of the 64-byte signature over signingInput(body). */
  sig: string;
}

export interface Transaction<P = unknown> {
  body: TransactionBody<P>;
  proofs: TransactionProof[];
}

/** The largest canonical transaction a node accepts (bytes). */
export const MAX_TRANSACTION_BYTES = 64 * 1024;
const MAX_PROOFS = 16;
// Domain separation: a transaction signature can never be replayed as any other ddi signature.
const SIGNING_PREFIX = new TextEncoder().encode('ddi/tx/v1\n');

/** The bytes every proof signs: a fixed prefix and the body's canonical JSON. */
export function signingInput(body: TransactionBody): Uint8Array {
  const bytes = canonicalBytes(body);
  const out = new Uint8Array(SIGNING_PREFIX.length + bytes.length);
  out.set(SIGNING_PREFIX, 0);
  out.set(bytes, SIGNING_PREFIX.length);
  return out;
}

/** The transaction id: lowercase hex SHA-256 of the body's canonical bytes. */
export function transactionId(body: TransactionBody): string {
  return Buffer.from(sha256(canonicalBytes(body))).toString('hex');
}

/** A private key able to sign a transaction, with the kid that names its public half. */
export interface TransactionSigner {
  kid: string;
  type: KeyTypeName;
  privateKey: Uint8Array;
}

/** Signs a body with one or more keys. */
export function signTransaction<P>(
  body: TransactionBody<P>,
  signers: TransactionSigner[],
): Transaction<P> {
  const input = signingInput(body);
  return {
    body,
    proofs: signers.map((s) => ({
      kid: s.kid,
      sig: base64url.encode(sign(s.type, s.privateKey, input)),
    })),
  };
}

/** Checks one proof against a public key. */
export function verifyProof(
  input: Uint8Array,
  proof: TransactionProof,
  type: KeyTypeName,
  publicKey: Uint8Array,
): boolean {
  let signature: Uint8Array;
  try {
    signature = base64url.decode(proof.sig);
  } catch {
    return false;
  }
  return verify(type, publicKey, input, signature);
}

/**
 * Checks an untrusted value is shaped like a transaction (not that it is valid) and
 * returns it with its id and canonical size. Throws `malformed` or `tooLarge`.
 */
export function decodeTransaction(value: unknown): { tx: Transaction; id: string; size: number } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DdiError(ErrorCode.Malformed, 'transaction must be an object');
  }
  const { body, proofs, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length)
    throw new DdiError(ErrorCode.Malformed, `unknown transaction field "${Object.keys(rest)[0]}"`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DdiError(ErrorCode.Malformed, 'transaction body must be an object');
  }
  const { chainId, type, payload, ...bodyRest } = body as Record<string, unknown>;
  if (Object.keys(bodyRest).length)
    throw new DdiError(ErrorCode.Malformed, `unknown body field "${Object.keys(bodyRest)[0]}"`);
  if (typeof chainId !== 'string' || chainId.length === 0 || chainId.length > 64) {
    throw new DdiError(ErrorCode.Malformed, 'body.chainId must be a string');
  }
  if (typeof type !== 'string' || !/^[a-z]+\.[a-zA-Z.]+$/.test(type) || type.length > 64) {
    throw new DdiError(ErrorCode.Malformed, 'body.type must be like "did.create"');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new DdiError(ErrorCode.Malformed, 'body.payload must be an object');
  }
  if (!Array.isArray(proofs) || proofs.length === 0 || proofs.length > MAX_PROOFS) {
    throw new DdiError(ErrorCode.Malformed, `proofs must be an array of 1..${MAX_PROOFS}`);
  }
  for (const p of proofs) {
    if (typeof p !== 'object' || p === null)
      throw new DdiError(ErrorCode.Malformed, 'proof must be an object');
    const { kid, sig, ...pRest } = p as Record<string, unknown>;
    if (Object.keys(pRest).length) throw new DdiError(ErrorCode.Malformed, 'unknown proof field');
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > 512)
      throw new DdiError(ErrorCode.Malformed, 'proof.kid must be a string');
    if (typeof sig !== 'string' || sig.length === 0 || sig.length > 200)
      throw new DdiError(ErrorCode.Malformed, 'proof.sig must be a string');
  }
  const tx = { body: { chainId, type, payload }, proofs } as Transaction;
  const size = canonicalBytes(tx).length;
  if (size > MAX_TRANSACTION_BYTES) {
    throw new DdiError(
      ErrorCode.TooLarge,
      `transaction is ${size} bytes; the limit is ${MAX_TRANSACTION_BYTES}`,
    );
  }
  return { tx, id: transactionId(tx.body), size };
}
