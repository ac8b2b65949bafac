export type {
  Check,
  CheckName,
  PresentationExpectations,
  Verdict,
  VerificationContext,
} from './verdict.ts';
export { verifySdJwtVcPresentation } from './verify-sd-jwt-vc-presentation.ts';
export { verifyVpJwtPresentation } from './verify-vp-jwt-presentation.ts';
export { checkDisclosedClaims } from './claims-schema.ts';
export { listIdOfStatusUri } from './status-reference.ts';
