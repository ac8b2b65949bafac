// Compact JWS (RFC 7515) for ddi's key types: EdDSA, ES256, ES256K and GmSM2 (SM2 with SM3).
export { signCompactJws } from './sign.ts';
export type { JwsHeaderInput } from './sign.ts';
export { decodeCompactJwsUnverified, verifyCompactJws, verifyCompactJwsBytes } from './verify.ts';
export type {
  JsonObject,
  JwsHeader,
  JwsKeyResolver,
  JwsSigner,
  JwsVerificationKey,
  VerifiedJws,
  VerifyJwsOptions,
} from './types.ts';
