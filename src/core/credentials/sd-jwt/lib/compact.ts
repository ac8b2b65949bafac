import { DdiError, ErrorCode } from '../../../errors.ts';

/** An SD-JWT or SD-JWT+KB split at its tildes, nothing decoded. */
export interface SdJwtParts {
  jws: string;
  disclosures: string[];
  /** The KB-JWT, when the presentation ends with one. */
  keyBindingJwt?: string;
  /** Everything up to and including the last `~`: what `sd_hash` covers. */
  sdJwt: string;
}

/** Default bound on an SD-JWT: room for hundreds of disclosures. */
export const DEFAULT_MAX_SD_JWT_LENGTH = 512 * 1024;

/** Splits `<jws>~<disclosure>~...~[<kb-jwt>]` (RFC 9901 section 4). */
export function splitSdJwt(text: unknown, maxLength = DEFAULT_MAX_SD_JWT_LENGTH): SdJwtParts {
  if (typeof text !== 'string') {
    throw new DdiError(ErrorCode.Malformed, 'an SD-JWT must be a string', { reason: 'sdJwt' });
  }
  if (text.length > maxLength) {
    throw new DdiError(ErrorCode.TooLarge, `SD-JWT is longer than ${maxLength} characters`, {
      reason: 'sdJwtTooLarge',
      maxLength,
    });
  }
  const parts = text.split('~');
  if (parts.length < 2) {
    throw new DdiError(ErrorCode.Malformed, 'an SD-JWT has at least one ~', { reason: 'sdJwt' });
  }
  const last = parts[parts.length - 1] ?? '';
  const disclosures = parts.slice(1, -1);
  if (disclosures.some((d) => d.length === 0)) {
    throw new DdiError(ErrorCode.Malformed, 'an SD-JWT has an empty disclosure', {
      reason: 'disclosure',
    });
  }
  // Whatever follows the last ~ is a KB-JWT; a disclosure there means the final ~ is missing.
  if (last.length > 0 && last.split('.').length !== 3) {
    throw new DdiError(ErrorCode.Malformed, 'an SD-JWT ends with ~ or a KB-JWT', {
      reason: 'sdJwt',
    });
  }
  return {
    jws: parts[0] ?? '',
    disclosures,
    ...(last.length > 0 ? { keyBindingJwt: last } : {}),
    sdJwt: text.slice(0, text.length - last.length),
  };
}
