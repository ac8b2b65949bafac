import { verifySdJwtWithChecks } from './verify.ts';
import type { ProfileChecks } from './verify.ts';
import type { VerifiedSdJwt, VerifySdJwtOptions } from './types.ts';

/** The media type of SD-JWT VCs (draft-ietf-oauth-sd-jwt-vc since -06). */
export const SD_JWT_VC_TYP = 'dc+sd-jwt';
/** The type earlier drafts used; credentials issued with it are still in wallets. */
export const LEGACY_SD_JWT_VC_TYP = 'vc+sd-jwt';

const sdJwtVcChecks: ProfileChecks = ({ header, payload }, { now, leeway }, failures) => {
  if (header.typ !== SD_JWT_VC_TYP && header.typ !== LEGACY_SD_JWT_VC_TYP) {
    failures.push({
      reason: 'typMismatch',
      message: `typ is ${String(header.typ)}, not ${SD_JWT_VC_TYP}`,
    });
  }
  if (typeof payload.vct !== 'string' || payload.vct.length === 0) {
    failures.push({ reason: 'vctMissing', message: 'the credential has no vct' });
  }
  // ddi requires iss (the draft makes it optional): the issuer is a DID the verifier checks.
  if (typeof payload.iss !== 'string' || payload.iss.length === 0) {
    failures.push({ reason: 'issuerMissing', message: 'the credential has no iss' });
  }
  if (payload.iat !== undefined) {
    if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) {
      failures.push({ reason: 'malformedIat', message: 'iat is not a number' });
    } else if (payload.iat > now + leeway) {
      failures.push({
        reason: 'issuedInFuture',
        message: 'the credential is issued in the future',
      });
    }
  }
};

/**
 * Verifies an SD-JWT VC: everything `verifySdJwt` checks, plus typ `dc+sd-jwt` (or legacy
 * `vc+sd-jwt`), a string `vct` and `iss`, and `iat` not in the future; every failing claim
 * check is listed in `details.reasons`.
 */
export function verifySdJwtVc(
  presentation: string,
  options: VerifySdJwtOptions,
): Promise<VerifiedSdJwt> {
  return verifySdJwtWithChecks(presentation, options, sdJwtVcChecks);
}
