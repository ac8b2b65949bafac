import type { JsonObject, JwsHeader, JwsKeyResolver, JwsSigner } from '../jws/index.ts';

/**
 * A claim's place in the claims set: object property names and array indices from the top;
 * `null` stands for every element of an array (as in DCQL claim paths).
 */
export type ClaimPath = readonly (string | number | null)[];

/** Digest algorithms for disclosures (`_sd_alg`): the IANA names, plus `sm3` for GM profiles. */
export type SdHashAlg = 'sha-256' | 'sha-384' | 'sha-512' | 'sm3';

/** One disclosure as it appears in an SD-JWT, decoded, with where its claim sits. */
export interface Disclosure {
  /** The base64url-encoded disclosure exactly as presented. */
  encoded: string;
  /** Its digest under the SD-JWT's `_sd_alg`. */
  digest: string;
  salt: string;
  /** Property name, or undefined for an array element. */
  name?: string;
  value: unknown;
  /** Where the disclosed claim ends up in the processed claims (array indices after removal of undisclosed elements are not stable, so indices here are those of the issuer's array). */
  path: (string | number)[];
}

export interface IssueSdJwtOptions {
  /** Extra JWS header parameters (`typ`, `kid`, ...); `alg` comes from the signer. */
  header?: Record<string, unknown>;
  /** The claims (iss, iat, exp, nbf, vct, cnf, status, and the subject's claims). */
  payload: JsonObject;
  /** Claims to make selectively disclosable; a path inside another makes it recursive. */
  disclosable?: readonly ClaimPath[];
  signer: JwsSigner;
  /** Default 'sha-256'. */
  hashAlg?: SdHashAlg;
  /** Salt source; default 128 random bits, base64url. */
  salt?: () => string;
  /** Decoy digests added to every `_sd` array the issuer writes (default 0). */
  decoys?: number;
}

/** Which disclosures a holder reveals: a list of claim paths, or a predicate per disclosure. */
export type DisclosureSelection =
  readonly ClaimPath[] | ((path: readonly (string | number)[], value: unknown) => boolean);

export interface KeyBindingInput {
  aud: string;
  nonce: string;
  /** Seconds since the epoch; default now. */
  iat?: number;
  /** The holder key named in the credential's `cnf.jwk`. */
  signer: JwsSigner;
  /** Extra KB-JWT claims. */
  extraClaims?: JsonObject;
}

export interface PresentSdJwtOptions {
  disclose: DisclosureSelection;
  keyBinding?: KeyBindingInput;
}

export interface KeyBindingRequirement {
  aud: string;
  nonce: string;
  /** Oldest acceptable KB-JWT `iat`, in seconds before `now` (default 300). */
  maxAgeSeconds?: number;
  /** Seconds since the epoch; default the verification's `now`. */
  now?: number;
}

export interface VerifySdJwtOptions {
  /** The issuer's key for the issuer-signed JWT (sees header and unverified claims). */
  resolveIssuerKey: JwsKeyResolver<JsonObject>;
  /** Demand a KB-JWT with this audience and nonce; without it a KB-JWT, if present, is still verified. */
  requireKeyBinding?: KeyBindingRequirement;
  /** Seconds since the epoch (default now): `exp`, `nbf` and the KB-JWT `iat` window use it. */
  now?: number;
  /** Allowed clock skew in seconds (default 60). */
  leewaySeconds?: number;
  /** Longest presentation accepted, in characters (default 512 KiB). */
  maxLength?: number;
}

export interface VerifiedKeyBinding {
  header: JwsHeader;
  payload: JsonObject;
}

export interface VerifiedSdJwt {
  header: JwsHeader;
  /** The claims with disclosed values in place and `_sd`, `_sd_alg`, `...` removed. */
  payload: JsonObject;
  disclosures: Disclosure[];
  keyBinding?: VerifiedKeyBinding;
}
