// SD-JWT (RFC 9901) and SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): issue, present, verify.
export { decodeSdJwt } from './decode.ts';
export type { DecodedSdJwt } from './decode.ts';
export { issueSdJwt } from './issue.ts';
export { issueSdJwtVc } from './issue-vc.ts';
export { presentSdJwt } from './present.ts';
export { verifySdJwt } from './verify.ts';
export { LEGACY_SD_JWT_VC_TYP, SD_JWT_VC_TYP, verifySdJwtVc } from './verify-vc.ts';
export type {
  ClaimPath,
  Disclosure,
  DisclosureSelection,
  IssueSdJwtOptions,
  KeyBindingInput,
  KeyBindingRequirement,
  PresentSdJwtOptions,
  SdHashAlg,
  VerifiedKeyBinding,
  VerifiedSdJwt,
  VerifySdJwtOptions,
} from './types.ts';
