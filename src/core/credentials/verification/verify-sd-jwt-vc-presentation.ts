import { DdiError } from '../../errors.ts';
import type { JsonObject } from '../jws/index.ts';
import { decodeSdJwt, verifySdJwtVc } from '../sd-jwt/index.ts';
import { CheckList, issuanceChecks, issuerKeyCheck, statusCheck } from './check-list.ts';
import type {
  CheckName,
  PresentationExpectations,
  Verdict,
  VerificationContext,
} from './verdict.ts';
import { listIdOfStatusUri } from './status-reference.ts';

// Claims of the SD-JWT VC envelope, not of the subject: not part of the template's schema.
const ENVELOPE_CLAIMS = new Set([
  'iss',
  'sub',
  'iat',
  'exp',
  'nbf',
  'vct',
  'vct#integrity',
  'cnf',
  'status',
  'jti',
  'aud',
]);

// How the SD-JWT layer's reasons map onto the verdict's checks.
const CHECK_OF_REASON: Record<string, CheckName> = {
  expired: 'validity',
  notYetValid: 'validity',
  issuedInFuture: 'validity',
  keyBindingMissing: 'holderBinding',
  keyBindingTyp: 'holderBinding',
  holderKeyMissing: 'holderBinding',
  sdHashMismatch: 'holderBinding',
  audienceMismatch: 'holderBinding',
  nonceMismatch: 'holderBinding',
  keyBindingTooOld: 'holderBinding',
  keyBindingIssuedInFuture: 'holderBinding',
  typMismatch: 'format',
  vctMissing: 'format',
  issuerMissing: 'format',
};

/**
 * Verifies an SD-JWT VC presentation (SD-JWT + KB-JWT) and answers "may I rely on this?"
 * with every check: issuer key valid at issuance (historical resolution), signature,
 * disclosures each referenced once, holder binding with the verifier's nonce and audience,
 * validity period, issuer accreditation for the type at issuance, template schema, status.
 * A failed check never stops the others: the verdict lists every reason.
 */
export async function verifySdJwtVcPresentation(
  presentation: string,
  expect: PresentationExpectations,
  context: VerificationContext,
): Promise<Verdict> {
  const checks = new CheckList();
  const pass = (check: CheckName) => checks.pass(check);
  const fail = (check: CheckName, reason: string, details?: Record<string, unknown>) =>
    checks.fail(check, reason, details);
  const verdict = (extra: Partial<Verdict>): Verdict => checks.verdict('dc+sd-jwt', extra);

  let decoded;
  try {
    decoded = decodeSdJwt(presentation);
  } catch (err) {
    fail('format', err instanceof DdiError ? err.code : 'malformed', {
      message: (err as Error).message,
    });
    return verdict({});
  }
  const unverified = decoded.claims;
  const issuer = typeof unverified.iss === 'string' ? unverified.iss : undefined;
  const credentialType = typeof unverified.vct === 'string' ? unverified.vct : undefined;
  const issuedAt = typeof unverified.iat === 'number' ? unverified.iat * 1000 : undefined;
  // `iat` has second precision while ledger times are ms: what was in force at any moment of
  // that second counts, so a credential issued right after its key or accreditation took
  // effect is judged as the issuer saw it.
  const judgedAt = issuedAt === undefined ? 0 : issuedAt + 999;
  const kid = typeof decoded.header.kid === 'string' ? decoded.header.kid : undefined;
  if (!issuer || !credentialType || issuedAt === undefined) {
    fail('format', 'missingClaims', {
      missing: ['iss', 'vct', 'iat'].filter((c) => unverified[c] === undefined),
    });
    return verdict({ ...(issuer ? { issuer } : {}) });
  }

  // The issuer key, as the issuer's DID document had it when the credential was issued.
  const issuerKey = await issuerKeyCheck(checks, context, kid, issuer, judgedAt);

  let claims: JsonObject | undefined;
  let holder: string | undefined;
  if (!('error' in issuerKey)) {
    const key = issuerKey;
    try {
      const verified = await verifySdJwtVc(presentation, {
        resolveIssuerKey: () => key,
        requireKeyBinding: {
          aud: expect.audience,
          nonce: expect.nonce,
          maxAgeSeconds: expect.maxAgeSeconds ?? 300,
        },
        now: Math.floor(expect.now / 1000),
      });
      claims = verified.payload;
      holder = typeof claims.sub === 'string' ? claims.sub : undefined;
      for (const check of [
        'signature',
        'disclosures',
        'holderBinding',
        'validity',
        'format',
      ] as const)
        pass(check);
    } catch (err) {
      const e = err instanceof DdiError ? err : undefined;
      const reasons = (e?.details?.reasons as string[] | undefined) ?? [
        String(e?.details?.reason ?? e?.code ?? 'invalid'),
      ];
      const failed = new Set<CheckName>();
      for (const reason of reasons) {
        const check: CheckName =
          CHECK_OF_REASON[reason] ??
          (e?.code === 'badSignature'
            ? 'signature'
            : e?.code === 'malformed'
              ? 'disclosures'
              : 'signature');
        failed.add(check);
        fail(
          check,
          e?.code === 'badSignature' && !CHECK_OF_REASON[reason] ? 'badSignature' : reason,
        );
      }
    }
  }

  // Trust and status are judged on what the credential says, signed or not, so a forged
  // credential still shows every reason it fails.
  const subjectClaims = Object.fromEntries(
    Object.entries(claims ?? unverified).filter(([name]) => !ENVELOPE_CLAIMS.has(name)),
  ) as JsonObject;
  await issuanceChecks(checks, context, {
    issuer,
    credentialType,
    time: judgedAt,
    claims: subjectClaims,
  });

  const statusClaim = (
    unverified.status as { status_list?: { idx?: unknown; uri?: unknown } } | undefined
  )?.status_list;
  if (statusClaim) {
    const listId =
      typeof statusClaim.uri === 'string' ? listIdOfStatusUri(statusClaim.uri) : undefined;
    await statusCheck(checks, context, issuer, listId, statusClaim.idx);
  }

  return verdict({
    issuer,
    credentialType,
    issuedAt,
    ...(holder ? { holder } : {}),
    ...(claims
      ? { claims: Object.fromEntries(Object.entries(claims).filter(([name]) => name !== 'cnf')) }
      : {}),
  });
}
