import { parseDidUrl } from '../../did/index.ts';
import type { JsonObject } from '../jws/index.ts';
import { checkDisclosedClaims } from './claims-schema.ts';
import type { Check, CheckName, Verdict, VerificationContext } from './verdict.ts';

/** Collects check outcomes; a verdict is verified only when none failed. */
export class CheckList {
  readonly checks: Check[] = [];

  pass(check: CheckName): void {
    this.checks.push({ check, ok: true });
  }

  fail(check: CheckName, reason: string, details?: Record<string, unknown>): void {
    this.checks.push({ check, ok: false, reason, ...(details ? { details } : {}) });
  }

  verdict(format: Verdict['format'], extra: Partial<Verdict>): Verdict {
    const reasons = this.checks.filter((c) => !c.ok).map((c) => c.reason!);
    return { verified: reasons.length === 0, format, ...extra, checks: this.checks, reasons };
  }
}

/** The issuer key `kid` names, as the issuer's DID document had it at `time`; records `issuerKey`. */
export async function issuerKeyCheck(
  checks: CheckList,
  context: VerificationContext,
  kid: string | undefined,
  issuer: string,
  time: number,
): Promise<Awaited<ReturnType<VerificationContext['issuerKeyAt']>>> {
  let key: Awaited<ReturnType<VerificationContext['issuerKeyAt']>> = { error: 'kidMissing' };
  if (kid) {
    let kidDid: string | undefined;
    try {
      kidDid = parseDidUrl(kid).did;
    } catch {
      kidDid = undefined;
    }
    key = kidDid === issuer ? await context.issuerKeyAt(kid, time) : { error: 'kidNotUnderIssuer' };
  }
  if ('error' in key) checks.fail('issuerKey', key.error, { kid });
  else checks.pass('issuerKey');
  return key;
}

/**
 * What the ledger says about the issuance, whatever the signature: the issuer accredited
 * for the type at that time, and the claims fit the template it had registered then.
 */
export async function issuanceChecks(
  checks: CheckList,
  context: VerificationContext,
  issuance: { issuer: string; credentialType: string; time: number; claims: JsonObject },
): Promise<void> {
  const { issuer, credentialType, time } = issuance;
  const accreditation = await context.accreditedAt(issuer, credentialType, time);
  if (accreditation.accredited) checks.pass('accreditation');
  else
    checks.fail('accreditation', accreditation.reason ?? 'notAccredited', {
      at: new Date(time).toISOString(),
    });

  const template = await context.templateAt(issuer, credentialType, time);
  if (!template) {
    checks.fail('schema', 'noTemplate');
    return;
  }
  const result = checkDisclosedClaims(template, issuance.claims);
  if (result.valid) checks.pass('schema');
  else
    checks.fail('schema', 'schemaMismatch', {
      errors: result.errors,
      template: `${template.id}@${template.version}`,
    });
}

/** The ledger status of the entry a credential points at (the issuer owns the list). */
export async function statusCheck(
  checks: CheckList,
  context: VerificationContext,
  issuer: string,
  listId: string | undefined,
  index: unknown,
  details: Record<string, unknown> = {},
): Promise<void> {
  if (!listId || !Number.isSafeInteger(index)) {
    checks.fail('status', 'statusReferenceMalformed');
    return;
  }
  const status = await context.statusOf(issuer, listId, index as number);
  if (status === 'valid') checks.pass('status');
  else checks.fail('status', status ?? 'statusListNotFound', { listId, index, ...details });
}
