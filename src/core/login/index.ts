/** Login messages of OpenID4VP 1.0 with SIOPv2, shared by relying parties, bridge and wallet. */
export { DID_CLIENT_ID_PREFIX, didClientId, didOfClientId } from './client-id.ts';
export {
  LOGIN_RESPONSE_TYPE,
  REQUEST_OBJECT_TYP,
  SELF_ISSUED_AUDIENCE,
  signLoginRequest,
  verifyLoginRequest,
} from './request-object.ts';
export type { LoginRequestClaims } from './request-object.ts';
export { issueSelfIssuedIdToken, verifySelfIssuedIdToken } from './id-token.ts';
export type { SelfIssuedIdTokenClaims } from './id-token.ts';
