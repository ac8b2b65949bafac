import { verifyCompactJws } from '../jws/index.ts';
import type { JwsHeader, JwsVerificationKey } from '../jws/index.ts';
import { credentialIssuer, validateCredential } from './credential.ts';
import type { VerifiableCredential } from './credential.ts';
import {
  invalid,
  isObject,
  malformed,
  numericDate,
  parseDateTimeStamp,
  requireKidOf,
  requireTyp,
} from './lib/checks.ts';

/**
 * Finds the public key `kid` names, as a verification method of `did` (resolve the DID document,
 * at the issuance time if the caller checks history). Throw to refuse the key.
 */
export type DidKeyResolver = (
  kid: string,
  did: string,
) => JwsVerificationKey | Promise<JwsVerificationKey>;

export interface VerifyVcJwtOptions {
  resolveIssuerKey: DidKeyResolver;
  /** The time to check validity at (ledger time in ddi); core never reads a clock. */
  now: Date;
}

/** A vc+jwt whose signature, issuer binding and validity period check out. */
export interface VerifiedVcJwt {
  credential: VerifiableCredential;
  header: JwsHeader;
}

/**
 * Verifies a vc+jwt: `typ`, a `kid` under the issuer DID, the signature under the key resolved for
 * it, the credential's shape, and `validFrom`/`validUntil` (and JWT `nbf`/`exp`, if present) at
 * `now`. Status, accreditation and schema are the caller's next checks.
 */
export async function verifyVcJwt(
  jws: string,
  options: VerifyVcJwtOptions,
): Promise<VerifiedVcJwt> {
  const { header, payload } = await verifyCompactJws(jws, (header, unverified) => {
    // Before any key lookup: the right kind of JWT, and a key that belongs to the issuer.
    requireTyp(header, 'vc+jwt');
    const issuer = credentialIssuer(unverified as { issuer: unknown });
    const kid = requireKidOf(header.kid, issuer, 'issuer');
    return options.resolveIssuerKey(kid, issuer);
  });
  const credential = validateCredential(payload);
  const issuer = credentialIssuer(credential);
  // VC-JOSE-COSE lets JWT registered claims sit next to the credential; if they do, they must agree.
  if (payload.iss !== undefined && payload.iss !== issuer) {
    malformed('iss', 'iss differs from the credential issuer');
  }
  if (payload.sub !== undefined && payload.sub !== credential.credentialSubject.id) {
    malformed('sub', 'sub differs from credentialSubject.id');
  }
  checkValidity(credential, payload, options.now);
  return { credential, header };
}

function checkValidity(
  credential: VerifiableCredential,
  claims: Record<string, unknown>,
  now: Date,
): void {
  const at = now.getTime();
  if (Number.isNaN(at)) throw new TypeError('now is not a valid Date');
  const notBefore: number[] = [];
  const notAfter: number[] = [];
  if (credential.validFrom !== undefined) {
    notBefore.push(parseDateTimeStamp(credential.validFrom, 'validFrom'));
  }
  if (credential.validUntil !== undefined) {
    notAfter.push(parseDateTimeStamp(credential.validUntil, 'validUntil'));
  }
  if (isObject(claims) && claims.nbf !== undefined)
    notBefore.push(numericDate(claims.nbf, 'nbf') * 1000);
  if (isObject(claims) && claims.exp !== undefined)
    notAfter.push(numericDate(claims.exp, 'exp') * 1000);
  for (const t of notBefore) {
    if (at < t) {
      invalid('notYetValid', 'the credential is not valid yet', {
        validFrom: new Date(t).toISOString(),
      });
    }
  }
  for (const t of notAfter) {
    if (at > t) {
      invalid('expired', 'the credential has expired', { validUntil: new Date(t).toISOString() });
    }
  }
}
