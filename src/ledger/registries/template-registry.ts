import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { validateTemplateDefinition } from '../../core/templates/credential-template.ts';
import type { CredentialTemplate } from '../../core/templates/credential-template.ts';
import type { StateReader } from '../state/world-state.ts';
import type { TxHandler } from './tx-context.ts';
import { authorizeDidSigner, payloadFields, singleProof } from './authorization.ts';
import { checkAccreditation } from './trust-registry.ts';

/** A registered template version: immutable once on the ledger. */
export interface TemplateRecord {
  template: CredentialTemplate;
  issuer: string;
  registered: number;
  height: number;
  txId: string;
}

const versionKey = (id: string, version: number) => `tmpl/${id}/v/${version}`;
const latestKey = (id: string) => `tmpl/${id}/latest`;
const issuerIndexKey = (issuer: string) => `tmpl-issuer/${issuer}`;

/** Ids of the templates an issuer registered (an index: verifiers find a credential's template by it). */
export function templateIdsOfIssuer(state: StateReader, issuer: string): string[] {
  const raw = state.get(issuerIndexKey(issuer));
  return raw === undefined ? [] : (JSON.parse(raw) as string[]);
}

/**
 * The template version an issuer had registered for a credential type at `time`: the
 * newest version registered at or before it, among the issuer's templates of that type.
 */
export function templateForCredential(
  state: StateReader,
  issuer: string,
  credentialType: string,
  time: number,
): TemplateRecord | undefined {
  let best: TemplateRecord | undefined;
  for (const id of templateIdsOfIssuer(state, issuer)) {
    const latest = readTemplate(state, id);
    if (!latest) continue;
    for (let v = latest.template.version; v >= 1; v--) {
      const record = v === latest.template.version ? latest : readTemplate(state, id, v);
      if (!record || record.registered > time || record.template.credentialType !== credentialType)
        continue;
      if (!best || record.registered > best.registered) best = record;
      break;
    }
  }
  return best;
}

/** A template version, or the latest when `version` is omitted. */
export function readTemplate(
  state: StateReader,
  id: string,
  version?: number,
): TemplateRecord | undefined {
  let v = version;
  if (v === undefined) {
    const latest = state.get(latestKey(id));
    if (latest === undefined) return undefined;
    v = (JSON.parse(latest) as { version: number }).version;
  }
  const raw = state.get(versionKey(id, v));
  return raw === undefined ? undefined : (JSON.parse(raw) as TemplateRecord);
}

/**
 * template.register: an issuer accredited (now) for the template's credential type or id
 * registers a template. Versions are 1, 2, 3… of one issuer; none is ever replaced.
 */
const register: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['template']);
  const template = validateTemplateDefinition(p.template);
  const issuer = authorizeDidSigner(ctx, singleProof(ctx));
  const answer = checkAccreditation(ctx.state, {
    subject: issuer,
    role: 'credentialIssuer',
    credentialType: template.credentialType,
    at: ctx.time,
  });
  const byTemplateId = answer.accredited
    ? answer
    : checkAccreditation(ctx.state, {
        subject: issuer,
        role: 'credentialIssuer',
        template: template.id,
        at: ctx.time,
      });
  if (!byTemplateId.accredited) {
    throw new DdiError(
      ErrorCode.Unauthorized,
      `${issuer} is not accredited to issue ${template.credentialType} (${byTemplateId.reason})`,
      { reason: byTemplateId.reason },
    );
  }
  const latest = readTemplate(ctx.state, template.id);
  if (latest) {
    ensure(
      latest.issuer === issuer,
      ErrorCode.Unauthorized,
      `template ${template.id} belongs to ${latest.issuer}`,
    );
    if (template.version <= latest.template.version) {
      throw new DdiError(
        ErrorCode.Conflict,
        `template ${template.id} version ${template.version} exists; templates are immutable`,
      );
    }
    ensure(
      template.version === latest.template.version + 1,
      ErrorCode.Malformed,
      `the next version of ${template.id} is ${latest.template.version + 1}`,
    );
  } else {
    ensure(template.version === 1, ErrorCode.Malformed, 'a new template starts at version 1');
  }
  const record: TemplateRecord = {
    template,
    issuer,
    registered: ctx.time,
    height: ctx.height,
    txId: ctx.txId,
  };
  ctx.state.set(versionKey(template.id, template.version), JSON.stringify(record));
  ctx.state.set(latestKey(template.id), JSON.stringify({ version: template.version }));
  if (!latest) {
    ctx.state.set(
      issuerIndexKey(issuer),
      JSON.stringify([...templateIdsOfIssuer(ctx.state, issuer), template.id]),
    );
  }
};

export const templateRegistryHandlers: Record<string, TxHandler> = {
  'template.register': register,
};
