import { DdiError, ErrorCode } from '../../errors.ts';
import { issueSdJwt } from './issue.ts';
import type { IssueSdJwtOptions } from './types.ts';
import { SD_JWT_VC_TYP } from './verify-vc.ts';

// draft-ietf-oauth-sd-jwt-vc section 3.2.2: these stay in the clear so any verifier can process them.
const NEVER_DISCLOSABLE = new Set(['iss', 'nbf', 'exp', 'cnf', 'vct', 'vct#integrity', 'status']);

/** Issues an SD-JWT VC (typ `dc+sd-jwt`): requires `iss` and `vct`, keeps the registered claims visible. */
export function issueSdJwtVc(options: IssueSdJwtOptions): string {
  const { payload } = options;
  if (typeof payload.iss !== 'string' || typeof payload.vct !== 'string') {
    throw new DdiError(ErrorCode.Malformed, 'an SD-JWT VC needs string iss and vct claims', {
      reason: 'sdJwtVcClaims',
    });
  }
  for (const path of options.disclosable ?? []) {
    const [first] = path;
    if (path.length === 1 && typeof first === 'string' && NEVER_DISCLOSABLE.has(first)) {
      throw new DdiError(ErrorCode.Malformed, `${first} may not be selectively disclosable`, {
        reason: 'notDisclosable',
        claim: first,
      });
    }
  }
  return issueSdJwt({ ...options, header: { ...options.header, typ: SD_JWT_VC_TYP } });
}
