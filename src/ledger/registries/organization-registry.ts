import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { parseDdiDid } from '../../core/did/index.ts';
import { validateUscc } from '../../core/org/unified-social-credit-code.ts';
import { ORGANIZATION_KINDS } from '../../core/org/organization-kind.ts';
import type { OrganizationKind } from '../../core/org/organization-kind.ts';
import type { StateReader } from '../state/world-state.ts';
import type { TxHandler } from './tx-context.ts';
import {
  authorizeDidSigner,
  nonceField,
  optionalReason,
  payloadFields,
  previousVersionField,
  singleProof,
} from './authorization.ts';
import { authorizeGovernance, isGovernanceSigned } from './governance-registry.ts';
import { checkAccreditation } from './trust-registry.ts';
import { readDidRecord } from './did-state.ts';

/**
 * An organization, government agency or public institution, by its Unified Social
 * Credit Code (public business-registration data), and its primary DID.
 */
export interface OrganizationRecord {
  uscc: string;
  kind: OrganizationKind;
  primaryDid: string | null;
  /** The identity verification agency (or the regulator) that checked the registration. */
  registeredBy: string;
  version: number;
  history: Array<{
    did: string | null;
    time: number;
    height: number;
    txId: string;
    reason?: string;
  }>;
}

const byCodeKey = (uscc: string) => `org/uscc/${uscc}`;
const byDidKey = (did: string) => `org/did/${did}`;

export function readOrganization(state: StateReader, uscc: string): OrganizationRecord | undefined {
  const raw = state.get(byCodeKey(uscc));
  return raw === undefined ? undefined : (JSON.parse(raw) as OrganizationRecord);
}

/** The organization a DID is the primary DID of, if any. */
export function organizationOfDid(state: StateReader, did: string): OrganizationRecord | undefined {
  const uscc = state.get(byDidKey(did));
  return uscc === undefined ? undefined : readOrganization(state, uscc);
}

/** The regulator (M-of-N) or an identity verification agency accredited now; returns who. */
function authorizeRegistrar(ctx: Parameters<TxHandler>[0]): string {
  if (isGovernanceSigned(ctx)) return authorizeGovernance(ctx).regulator;
  const signer = authorizeDidSigner(ctx, singleProof(ctx));
  const answer = checkAccreditation(ctx.state, {
    subject: signer,
    role: 'identityVerificationAgency',
    at: ctx.time,
  });
  ensure(
    answer.accredited,
    ErrorCode.Unauthorized,
    `${signer} is not an accredited identity verification agency`,
  );
  return signer;
}

/** org.register: binds a code to its primary DID. One code, at most one active primary DID. */
const register: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['nonce', 'uscc', 'did', 'kind']);
  nonceField(p.nonce);
  const uscc = validateUscc(p.uscc);
  ensure(typeof p.did === 'string', ErrorCode.Malformed, 'did must be a DID');
  const did = parseDdiDid(p.did);
  ensure(
    ORGANIZATION_KINDS.includes(p.kind as OrganizationKind),
    ErrorCode.Malformed,
    `kind must be one of ${ORGANIZATION_KINDS.join(', ')}`,
  );
  const registrar = authorizeRegistrar(ctx);
  const holder = readDidRecord(ctx.state, did);
  ensure(holder && !holder.deactivated, ErrorCode.NotFound, `${did} is not an active DID`);
  const existing = readOrganization(ctx.state, uscc);
  if (existing?.primaryDid) {
    // A deactivated primary DID no longer counts: the organization may register a new one.
    const current = readDidRecord(ctx.state, existing.primaryDid);
    if (current && !current.deactivated) {
      throw new DdiError(
        ErrorCode.Conflict,
        `${uscc} already has the primary DID ${existing.primaryDid}`,
      );
    }
    ctx.state.delete(byDidKey(existing.primaryDid));
  }
  const other = organizationOfDid(ctx.state, did);
  if (other)
    throw new DdiError(ErrorCode.Conflict, `${did} is already the primary DID of ${other.uscc}`);
  const record: OrganizationRecord = {
    uscc,
    kind: p.kind as OrganizationKind,
    primaryDid: did,
    registeredBy: registrar,
    version: (existing?.version ?? 0) + 1,
    history: [
      ...(existing?.history ?? []),
      { did, time: ctx.time, height: ctx.height, txId: ctx.txId },
    ],
  };
  ctx.state.set(byCodeKey(uscc), JSON.stringify(record));
  ctx.state.set(byDidKey(did), uscc);
};

/** org.deregister: ends the binding (the code may then be registered again). */
const deregister: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['uscc', 'previousVersion', 'reason']);
  const uscc = validateUscc(p.uscc);
  const reason = optionalReason(p.reason);
  const record = readOrganization(ctx.state, uscc);
  if (!record?.primaryDid) throw new DdiError(ErrorCode.NotFound, `${uscc} has no primary DID`);
  const registrar = authorizeRegistrar(ctx);
  ensure(
    registrar === record.registeredBy || isGovernanceSigned(ctx),
    ErrorCode.Unauthorized,
    `only ${record.registeredBy} or the regulator may deregister ${uscc}`,
  );
  previousVersionField(p.previousVersion, record.version, uscc);
  ctx.state.delete(byDidKey(record.primaryDid));
  ctx.state.set(
    byCodeKey(uscc),
    JSON.stringify({
      ...record,
      primaryDid: null,
      version: record.version + 1,
      history: [
        ...record.history,
        {
          did: null,
          time: ctx.time,
          height: ctx.height,
          txId: ctx.txId,
          ...(reason ? { reason } : {}),
        },
      ],
    }),
  );
};

export const organizationRegistryHandlers: Record<string, TxHandler> = {
  'org.register': register,
  'org.deregister': deregister,
};
