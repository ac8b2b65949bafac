// Digital Credentials Query Language (OpenID for Verifiable Presentations 1.0 §6, §7).
export { isClaimsPathPointer, selectClaims } from './claims-path.ts';
export type { ClaimsPathComponent, ClaimsPathPointer } from './claims-path.ts';
export { parseDcqlQuery } from './query.ts';
export type {
  DcqlClaimValue,
  DcqlClaimsQuery,
  DcqlCredentialQuery,
  DcqlCredentialSetQuery,
  DcqlMeta,
  DcqlQuery,
  DcqlSupportedFormat,
  DcqlTrustedAuthoritiesQuery,
} from './query.ts';
export { matchDcql } from './match.ts';
export type {
  DcqlCandidate,
  DcqlCredentialMatch,
  DcqlCredentialSetResult,
  DcqlMatchResult,
} from './match.ts';
