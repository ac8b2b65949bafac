import { DdiError, ErrorCode } from '../../errors.ts';
import type { Jwk } from '../../keys/index.ts';
import { verifyCompactJws } from '../jws/index.ts';
import type { JsonObject, JwsHeader } from '../jws/index.ts';
import { splitSdJwt } from './lib/compact.ts';
import { holderKeyFromJwk } from './lib/holder-key.ts';
import { digestText, nodeHashName } from './lib/digest.ts';
import { pendingDisclosures } from './lib/pending.ts';
import { processDisclosures } from './lib/process.ts';
import type { VerifiedKeyBinding, VerifiedSdJwt, VerifySdJwtOptions } from './types.ts';

/** A check that failed after the signatures verified; several may fail at once. */
export interface SoftFailure {
  reason: string;
  message: string;
}

/** Throws one `invalidCredential` error naming the first reason and listing all of them. */
export function throwIfFailed(failures: readonly SoftFailure[]): void {
  const [first] = failures;
  if (!first) return;
  throw new DdiError(ErrorCode.InvalidCredential, first.message, {
    reason: first.reason,
    reasons: failures.map((f) => f.reason),
  });
}

const DEFAULT_LEEWAY_SECONDS = 60;
const DEFAULT_KB_MAX_AGE_SECONDS = 300;

const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks `exp` and `nbf` (when present) against `now` with leeway. */
export function checkValidityWindow(
  claims: JsonObject,
  now: number,
  leeway: number,
  failures: SoftFailure[],
): void {
  const { exp, nbf } = claims;
  if (exp !== undefined) {
    if (!isNumericDate(exp))
      failures.push({ reason: 'malformedExp', message: 'exp is not a number' });
    else if (now - leeway >= exp)
      failures.push({ reason: 'expired', message: 'the credential has expired' });
  }
  if (nbf !== undefined) {
    if (!isNumericDate(nbf))
      failures.push({ reason: 'malformedNbf', message: 'nbf is not a number' });
    else if (now + leeway < nbf) {
      failures.push({ reason: 'notYetValid', message: 'the credential is not yet valid' });
    }
  }
}

function holderKey(claims: JsonObject): Jwk {
  const cnf = claims.cnf as { jwk?: unknown } | undefined;
  const jwk = typeof cnf === 'object' && cnf !== null ? cnf.jwk : undefined;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new DdiError(
      ErrorCode.InvalidCredential,
      'the credential names no holder key (cnf.jwk)',
      {
        reason: 'holderKeyMissing',
      },
    );
  }
  return jwk as Jwk;
}

/** Verifies the KB-JWT: signed by cnf.jwk, typ kb+jwt, sd_hash over the presented SD-JWT. */
async function verifyKeyBinding(
  kbJwt: string,
  claims: JsonObject,
  sdJwt: string,
  hashName: string,
): Promise<VerifiedKeyBinding> {
  const key = holderKeyFromJwk(holderKey(claims));
  const { header, payload } = await verifyCompactJws(kbJwt, () => key);
  if (header.typ !== 'kb+jwt') {
    throw new DdiError(ErrorCode.InvalidCredential, 'the KB-JWT typ is not kb+jwt', {
      reason: 'keyBindingTyp',
    });
  }
  if (payload.sd_hash !== digestText(hashName, sdJwt)) {
    throw new DdiError(ErrorCode.InvalidCredential, 'sd_hash does not match the presented SD-JWT', {
      reason: 'sdHashMismatch',
    });
  }
  return { header, payload };
}

/**
 * Verifies an SD-JWT or SD-JWT+KB (RFC 9901 section 7): the issuer signature, each disclosure
 * referenced exactly once, the KB-JWT (signature by `cnf.jwk`, `sd_hash`) and, when required,
 * its audience, nonce and age; `exp`/`nbf` when present. Returns the processed claims.
 */
export function verifySdJwt(
  presentation: string,
  options: VerifySdJwtOptions,
): Promise<VerifiedSdJwt> {
  return verifySdJwtWithChecks(presentation, options);
}

/** Claim checks a profile adds (SD-JWT VC); they run with the generic ones and report together. */
export type ProfileChecks = (
  verified: { header: JwsHeader; payload: JsonObject },
  context: { now: number; leeway: number },
  failures: SoftFailure[],
) => void;

/** `verifySdJwt` with a profile's extra claim checks. */
export async function verifySdJwtWithChecks(
  presentation: string,
  options: VerifySdJwtOptions,
  profileChecks?: ProfileChecks,
): Promise<VerifiedSdJwt> {
  const parts = splitSdJwt(presentation, options.maxLength);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const leeway = options.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS;

  const { header, payload } = await verifyCompactJws(parts.jws, options.resolveIssuerKey);
  const hashName = nodeHashName(payload._sd_alg ?? 'sha-256');
  const { claims, disclosures } = processDisclosures(
    payload,
    pendingDisclosures(parts.disclosures, hashName),
  );

  const failures: SoftFailure[] = [];
  let keyBinding: VerifiedKeyBinding | undefined;
  if (parts.keyBindingJwt !== undefined) {
    keyBinding = await verifyKeyBinding(parts.keyBindingJwt, claims, parts.sdJwt, hashName);
  }
  const required = options.requireKeyBinding;
  if (required) {
    if (!keyBinding) {
      throw new DdiError(ErrorCode.InvalidCredential, 'the presentation has no KB-JWT', {
        reason: 'keyBindingMissing',
      });
    }
    const kb = keyBinding.payload;
    if (kb.aud !== required.aud) {
      failures.push({ reason: 'audienceMismatch', message: 'the KB-JWT is for another audience' });
    }
    if (kb.nonce !== required.nonce) {
      failures.push({
        reason: 'nonceMismatch',
        message: 'the KB-JWT nonce is not the one asked for',
      });
    }
    const kbNow = required.now ?? now;
    const maxAge = required.maxAgeSeconds ?? DEFAULT_KB_MAX_AGE_SECONDS;
    if (!isNumericDate(kb.iat)) {
      failures.push({ reason: 'keyBindingIat', message: 'the KB-JWT has no numeric iat' });
    } else if (kb.iat > kbNow + leeway) {
      failures.push({
        reason: 'keyBindingIssuedInFuture',
        message: 'the KB-JWT is issued in the future',
      });
    } else if (kb.iat < kbNow - maxAge - leeway) {
      failures.push({ reason: 'keyBindingTooOld', message: 'the KB-JWT is older than allowed' });
    }
  }
  checkValidityWindow(claims, now, leeway, failures);
  profileChecks?.({ header, payload: claims }, { now, leeway }, failures);
  throwIfFailed(failures);
  return { header, payload: claims, disclosures, ...(keyBinding ? { keyBinding } : {}) };
}
