/**
 * One interface for every signature algorithm ddi supports. Adding a key type is one
 * adapter file that implements it (see ed25519.ts, sm2.ts) plus a line in index.ts.
 */
export type KeyTypeName = 'ed25519' | 'p256' | 'secp256k1' | 'sm2';

/** A JSON Web Key as ddi reads and writes it (public part, optionally `d`). */
export interface Jwk {
  kty: string;
  crv: string;
  x: string;
  y?: string;
  d?: string;
  kid?: string;
  alg?: string;
  [extra: string]: unknown;
}

export interface KeyPair {
  type: KeyTypeName;
  /** Canonical public key bytes: 32 bytes for Ed25519, SEC1 compressed (33 bytes) for EC curves. */
  publicKey: Uint8Array;
  /** Raw private scalar / seed: 32 bytes. */
  privateKey: Uint8Array;
}

export interface KeyType {
  readonly name: KeyTypeName;
  /** JOSE `alg` used when this key signs a JWS. */
  readonly jwsAlgorithm: string;
  /** JWK `crv` value. */
  readonly jwkCurve: string;
  /** multicodec codes (multiformats table) for the public and private key. */
  readonly multicodecPublic: number;
  readonly multicodecPrivate: number;
  generate(): KeyPair;
  publicFromPrivate(privateKey: Uint8Array): Uint8Array;
  /** Accepts compressed or uncompressed SEC1 (EC) and returns the canonical (compressed) form. */
  normalizePublicKey(publicKey: Uint8Array): Uint8Array;
  /** Signature bytes: 64 bytes for all four types (EC signatures as r || s, JOSE style). */
  sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** Never throws on a bad signature or bad key bytes: returns false. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  publicToJwk(publicKey: Uint8Array): Jwk;
  privateToJwk(privateKey: Uint8Array): Jwk;
  publicFromJwk(jwk: Jwk): Uint8Array;
  privateFromJwk(jwk: Jwk): Uint8Array;
}
