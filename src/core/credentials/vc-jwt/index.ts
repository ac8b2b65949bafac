// W3C VCDM 2.0 credentials and presentations secured as JWTs (VC-JOSE-COSE): vc+jwt and vp+jwt.
export { CREDENTIALS_V2_CONTEXT, credentialIssuer, validateCredential } from './credential.ts';
export type {
  BitstringStatusListEntry,
  StatusPurpose,
  VerifiableCredential,
} from './credential.ts';
export { issueVcJwt } from './issue.ts';
export type { IssueVcJwtOptions } from './issue.ts';
export { verifyVcJwt } from './verify.ts';
export type { DidKeyResolver, VerifiedVcJwt, VerifyVcJwtOptions } from './verify.ts';
export { VC_JWT_DATA_URL_PREFIX, envelopeVcJwt, validatePresentation } from './presentation.ts';
export type { EnvelopedVerifiableCredential, VerifiablePresentation } from './presentation.ts';
export { issueVpJwt } from './issue-vp.ts';
export type { IssueVpJwtOptions } from './issue-vp.ts';
export { verifyVpJwt } from './verify-vp.ts';
export type { VerifiedVpJwt, VerifyVpJwtOptions } from './verify-vp.ts';
