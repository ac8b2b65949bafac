import { DdiError } from '../../errors.ts';
import type { JsonObject } from '../jws/index.ts';
import { decodeCompactJwsUnverified } from '../jws/index.ts';
import {
  VC_JWT_DATA_URL_PREFIX,
  credentialIssuer,
  verifyVcJwt,
  verifyVpJwt,
} from '../vc-jwt/index.ts';
import type { VerifiableCredential } from '../vc-jwt/index.ts';
import { CheckList, issuanceChecks, issuerKeyCheck, statusCheck } from './check-list.ts';
import type {
  CheckName,
  PresentationExpectations,
  Verdict,
  VerificationContext,
} from './verdict.ts';
import { listIdOfStatusUri } from './status-reference.ts';

function reasonOf(err: unknown): { code: string; reason: string } {
  const e = err instanceof DdiError ? err : undefined;
  return { code: e?.code ?? 'invalid', reason: String(e?.details?.reason ?? e?.code ?? 'invalid') };
}

/**
 * Verifies a VP-JWT carrying one vc+jwt (`jwt_vc_json` in OpenID4VP) with the same checks
 * as the SD-JWT VC path: holder signature with the verifier's audience and nonce, the
 * credential's subject is the holder, the issuer's key at issuance, signature, validity,
 * accreditation at issuance, template schema, and Bitstring status on the ledger.
 */
export async function verifyVpJwtPresentation(
  vpJwt: string,
  expect: PresentationExpectations,
  context: VerificationContext,
): Promise<Verdict> {
  const checks = new CheckList();
  const pass = (check: CheckName) => checks.pass(check);
  const fail = (check: CheckName, reason: string, details?: Record<string, unknown>) =>
    checks.fail(check, reason, details);
  const verdict = (extra: Partial<Verdict>): Verdict => checks.verdict('jwt_vc_json', extra);

  let holder: string | undefined;
  let enclosed: string[] = [];
  try {
    const vp = await verifyVpJwt(vpJwt, {
      resolveHolderKey: async (kid) => {
        const key = await context.holderKey(kid);
        if ('error' in key)
          throw new DdiError('unknownKey', `holder key ${kid}: ${key.error}`, {
            reason: key.error,
          });
        return key;
      },
      aud: expect.audience,
      nonce: expect.nonce,
      now: new Date(expect.now),
      maxAgeSeconds: expect.maxAgeSeconds ?? 300,
    });
    holder = vp.holder;
    enclosed = vp.credentials;
    pass('holderBinding');
  } catch (err) {
    const { reason } = reasonOf(err);
    fail('holderBinding', reason);
    // Still look at what it carries, to report every reason.
    try {
      const { payload } = decodeCompactJwsUnverified(vpJwt);
      const list =
        (payload as { verifiableCredential?: Array<{ id?: string }> }).verifiableCredential ?? [];
      enclosed = list.flatMap((c) =>
        typeof c?.id === 'string' && c.id.startsWith(VC_JWT_DATA_URL_PREFIX)
          ? [c.id.slice(VC_JWT_DATA_URL_PREFIX.length)]
          : [],
      );
    } catch {
      enclosed = [];
    }
  }
  if (enclosed.length !== 1) {
    fail('format', enclosed.length === 0 ? 'noCredential' : 'oneCredentialPerPresentation');
    return verdict({ ...(holder ? { holder } : {}) });
  }
  const vcJwt = enclosed[0]!;
  let unverified: VerifiableCredential;
  let kid: string | undefined;
  try {
    const decoded = decodeCompactJwsUnverified(vcJwt);
    unverified = decoded.payload as unknown as VerifiableCredential;
    kid = typeof decoded.header.kid === 'string' ? decoded.header.kid : undefined;
  } catch (err) {
    fail('format', reasonOf(err).reason);
    return verdict({ ...(holder ? { holder } : {}) });
  }
  let issuer: string | undefined;
  try {
    issuer = credentialIssuer(unverified);
  } catch {
    issuer = undefined;
  }
  const types = Array.isArray(unverified.type) ? unverified.type : [unverified.type];
  const credentialType = types.find((t) => t !== 'VerifiableCredential');
  const issuedAtText = (unverified.validFrom as string | undefined) ?? undefined;
  const iat = (unverified as { iat?: unknown }).iat;
  const issuedAt =
    typeof iat === 'number' ? iat * 1000 : issuedAtText ? Date.parse(issuedAtText) : undefined;
  if (!issuer || !credentialType || issuedAt === undefined || Number.isNaN(issuedAt)) {
    fail('format', 'missingClaims');
    return verdict({ ...(holder ? { holder } : {}) });
  }
  // Second-precision times cover their whole second (see the SD-JWT VC path).
  const judgedAt = issuedAt % 1000 === 0 ? issuedAt + 999 : issuedAt;

  const issuerKey = await issuerKeyCheck(checks, context, kid, issuer, judgedAt);

  let credential: VerifiableCredential | undefined;
  if (!('error' in issuerKey)) {
    const key = issuerKey;
    try {
      credential = (
        await verifyVcJwt(vcJwt, { resolveIssuerKey: () => key, now: new Date(expect.now) })
      ).credential;
      pass('signature');
      pass('validity');
    } catch (err) {
      const { code, reason } = reasonOf(err);
      fail(
        reason === 'expired' || reason === 'notYetValid' ? 'validity' : 'signature',
        code === 'badSignature' ? 'badSignature' : reason,
      );
    }
  }
  const subject = (credential ?? unverified).credentialSubject as JsonObject | undefined;
  const subjectId = typeof subject?.id === 'string' ? subject.id : undefined;
  if (holder && subjectId !== holder)
    fail('holderBinding', 'subjectIsNotHolder', { subject: subjectId, holder });

  const claims = Object.fromEntries(
    Object.entries(subject ?? {}).filter(([name]) => name !== 'id'),
  ) as JsonObject;
  await issuanceChecks(checks, context, { issuer, credentialType, time: judgedAt, claims });

  const entries =
    unverified.credentialStatus === undefined
      ? []
      : Array.isArray(unverified.credentialStatus)
        ? unverified.credentialStatus
        : [unverified.credentialStatus];
  // A revocation entry fails on revoked, a suspension entry on suspended; ddi's 2-bit lists
  // carry both, so either bad value fails whichever purpose points at it.
  for (const entry of entries) {
    const listId = listIdOfStatusUri(String(entry.statusListCredential));
    await statusCheck(checks, context, issuer, listId, Number(entry.statusListIndex), {
      purpose: entry.statusPurpose,
    });
  }

  return verdict({
    issuer,
    credentialType,
    issuedAt,
    ...(holder ? { holder } : {}),
    ...(credential ? { claims: Object.fromEntries(Object.entries(subject ?? {})) } : {}),
  });
}
