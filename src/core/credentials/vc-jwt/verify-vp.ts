import { verifyCompactJws } from '../jws/index.ts';
import type { JwsHeader } from '../jws/index.ts';
import {
  invalid,
  isObject,
  malformed,
  numericDate,
  requireKidOf,
  requireTyp,
} from './lib/checks.ts';
import { validatePresentation } from './presentation.ts';
import type { VerifiablePresentation } from './presentation.ts';
import type { DidKeyResolver } from './verify.ts';

export interface VerifyVpJwtOptions {
  resolveHolderKey: DidKeyResolver;
  /** The verifier's own Client Identifier; the presentation's `aud` must name it. */
  aud: string;
  /** The nonce the verifier sent in this request. */
  nonce: string;
  now: Date;
  /** Oldest `iat` accepted, in seconds before `now`: a captured presentation replays only briefly. */
  maxAgeSeconds: number;
  /** How far `iat` may lie in the future, for the holder's clock (default 60 s). */
  clockToleranceSeconds?: number;
}

/** A vp+jwt that verified: the presentation, and the enclosed vc+jwts still to be verified. */
export interface VerifiedVpJwt {
  presentation: VerifiablePresentation;
  header: JwsHeader;
  /** The holder DID that signed (= `presentation.holder`). */
  holder: string;
  /** The enclosed vc+jwts, in order: run verifyVcJwt on each and check its subject is `holder`. */
  credentials: string[];
}

/**
 * Verifies a vp+jwt: `typ`, a `kid` under `holder`, the signature, the shape, and the binding to
 * this request — `aud` names the verifier, `nonce` is this request's, `iat` is within
 * `maxAgeSeconds` of `now`. The enclosed credentials are returned unverified.
 */
export async function verifyVpJwt(
  jws: string,
  options: VerifyVpJwtOptions,
): Promise<VerifiedVpJwt> {
  const { header, payload } = await verifyCompactJws(jws, (header, unverified) => {
    requireTyp(header, 'vp+jwt');
    const holder = unverified.holder;
    if (typeof holder !== 'string') malformed('holder', "holder must be the holder's DID");
    const kid = requireKidOf(header.kid, holder, 'holder');
    return options.resolveHolderKey(kid, holder);
  });
  const { presentation, credentials } = validatePresentation(payload);
  checkBinding(payload, options);
  return { presentation, header, holder: presentation.holder, credentials };
}

function checkBinding(claims: Record<string, unknown>, options: VerifyVpJwtOptions): void {
  const { aud, nonce } = claims;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(options.aud)) {
    invalid('aud', 'the presentation is meant for another verifier', { aud });
  }
  if (typeof nonce !== 'string' || nonce !== options.nonce) {
    invalid('nonce', 'the presentation does not carry this request’s nonce');
  }
  if (!isObject(claims) || claims.iat === undefined) malformed('iat', 'iat is required');
  const iat = numericDate(claims.iat, 'iat');
  const now = options.now.getTime() / 1000;
  if (Number.isNaN(now)) throw new TypeError('now is not a valid Date');
  const tolerance = options.clockToleranceSeconds ?? 60;
  if (iat > now + tolerance) {
    invalid('issuedInFuture', 'the presentation is dated in the future', { iat });
  }
  if (now - iat > options.maxAgeSeconds) {
    invalid('tooOld', `the presentation is older than ${options.maxAgeSeconds} s`, { iat });
  }
  if (claims.exp !== undefined && now > numericDate(claims.exp, 'exp')) {
    invalid('expired', 'the presentation has expired', { exp: claims.exp });
  }
}
