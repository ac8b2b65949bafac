import type { KeyTypeName } from '../../keys/index.ts';

/** A parsed JSON object (a JWS header or a JWT claims set). */
export type JsonObject = Record<string, unknown>;

/** A JOSE protected header as ddi reads it; `alg` is always present after parsing. */
export interface JwsHeader {
  alg: string;
  typ?: string;
  kid?: string;
  crit?: string[];
  [parameter: string]: unknown;
}

/** A private key that signs a JWS; the key type decides `alg`. */
export interface JwsSigner {
  type: KeyTypeName;
  privateKey: Uint8Array;
}

/** The public key a JWS must verify under; its type must match the header's `alg`. */
export interface JwsVerificationKey {
  type: KeyTypeName;
  publicKey: Uint8Array;
}

/** Finds the verification key for a JWS from its header (and, for JSON payloads, its unverified claims). */
export type JwsKeyResolver<P = JsonObject> = (
  header: JwsHeader,
  unverifiedPayload: P,
) => JwsVerificationKey | Promise<JwsVerificationKey>;

export interface VerifyJwsOptions {
  /** Longest compact JWS accepted, in characters (default 256 KiB). */
  maxLength?: number;
  /** Extension header parameters the caller understands and checks itself (RFC 7515 section 4.1.11). */
  crit?: readonly string[];
}

/** A JWS whose signature verified. */
export interface VerifiedJws<P> {
  header: JwsHeader;
  payload: P;
  /** `BASE64URL(header) || '.' || BASE64URL(payload)`, the bytes the signature covers (ASCII). */
  signingInput: string;
}
