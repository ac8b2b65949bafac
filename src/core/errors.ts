/**
 * Typed errors with stable codes. Callers branch on `code`, never on message text;
 * the HTTP layer maps codes to statuses in one place (services/http/error-status.ts).
 */
export const ErrorCode = {
  /** Input does not parse or does not match its schema. */
  Malformed: 'malformed',
  /** The DID is not a syntactically valid DID (DID Resolution `invalidDid`). */
  InvalidDid: 'invalidDid',
  /** The DID method is not did:ddi (DID Resolution `methodNotSupported`). */
  MethodNotSupported: 'methodNotSupported',
  /** The thing asked for does not exist (DID Resolution `notFound`). */
  NotFound: 'notFound',
  /** A signature does not verify. */
  BadSignature: 'badSignature',
  /** The signing key is not one the signer may use here. */
  UnknownKey: 'unknownKey',
  /** An operation names a version that is not the current one. */
  StaleVersion: 'staleVersion',
  /** The same transaction is already on the ledger (or pending). */
  Replay: 'replay',
  /** The signer is not allowed to do this. */
  Unauthorized: 'unauthorized',
  /**
   * The caller is known but may not have this (an agency refusing a disclosure without a
   * regulator's order for that recipient). Such attempts are logged.
   */
  Forbidden: 'forbidden',
  /** The DID already exists. */
  Conflict: 'conflict',
  /** The DID has been deactivated; nothing more can change it. */
  Deactivated: 'deactivated',
  /** The transaction was made for another network. */
  WrongChain: 'wrongChain',
  /** A key type or algorithm the node does not support. */
  UnsupportedKeyType: 'unsupportedKeyType',
  /** Input is larger than allowed. */
  TooLarge: 'tooLarge',
  /** A wrong passphrase or a damaged keystore. */
  KeystoreLocked: 'keystoreLocked',
  /** Stored data failed verification (hash chain, state root). */
  Corrupt: 'corrupt',
  /** The node cannot take the request now (shutting down, overloaded). */
  Unavailable: 'unavailable',
  /** Waiting for a commit took longer than asked. */
  Timeout: 'timeout',
  /** A proof from a node does not check out against the trusted operator set (light clients). */
  InvalidProof: 'invalidProof',
  /** A node answered from an older state than the client has already seen or accepts. */
  StaleProof: 'staleProof',
  /**
   * A credential or presentation is well formed and signed but fails a check: disclosures,
   * key binding (nonce, audience, sd_hash), validity period. `details.reason` says which.
   */
  InvalidCredential: 'invalidCredential',
  /**
   * A challenge-response (device authentication) answers no live challenge of this service:
   * unknown nonce, expired, or made for another audience. `details.reason` says which.
   */
  ChallengeFailed: 'challengeFailed',
  /** An unexpected failure inside ddi. */
  Internal: 'internal',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The one error class of ddi: a stable `code`, a human message, and optional details. */
export class DdiError extends Error {
  override readonly name = 'DdiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/** Throws a DdiError with `code` unless `condition` holds. */
export function ensure(
  condition: unknown,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): asserts condition {
  if (!condition) throw new DdiError(code, message, details);
}
