import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { publicKeyFromMultibase } from '../../core/keys/index.ts';
import { parseDdiDid } from '../../core/did/index.ts';
import type { StateReader } from '../state/world-state.ts';
import type { TxContext, TxHandler } from './tx-context.ts';
import {
  authorizeDidSigner,
  nonceField,
  optionalReason,
  payloadFields,
  previousVersionField,
  singleProof,
} from './authorization.ts';
import { authorizeGovernance, isGovernanceSigned, readGovernance } from './governance-registry.ts';
import { readDidRecord } from './did-state.ts';

/** The roles the regulator (or an accreditation authority it accredited) grants. */
export const ROLES = [
  'operator',
  'identityVerificationAgency',
  'credentialIssuer',
  'applicationServiceProvider',
  'accreditationAuthority',
] as const;
export type Role = (typeof ROLES)[number];

/** What an accreditation covers: credential types and/or template ids. Empty = the role itself. */
export interface AccreditationScope {
  credentialTypes?: string[];
  templates?: string[];
}

export type AccreditationStatus = 'active' | 'suspended' | 'revoked';

export interface StatusChange {
  status: AccreditationStatus;
  time: number;
  height: number;
  txId: string;
  reason?: string;
}

/** One accreditation: who holds which role, for what, when, granted by whom. History kept. */
export interface Accreditation {
  /** The id of the transaction that granted it. */
  id: string;
  subject: string;
  role: Role;
  scope: AccreditationScope;
  validFrom: number;
  validUntil: number;
  /** The regulator's DID, or the accreditation authority that granted it. */
  grantedBy: string;
  /** The authority's own accreditation this one was granted under (null: the regulator's). */
  parent: string | null;
  /** An operator's node key (Multikey), which signs block headers. */
  nodeKey?: string;
  status: AccreditationStatus;
  version: number;
  history: StatusChange[];
}

export interface BlocklistEntry {
  did: string;
  history: Array<{ listed: boolean; time: number; height: number; txId: string; reason?: string }>;
}

const accreditationKey = (id: string) => `trust/acc/${id}`;
const subjectIndexKey = (did: string, role: Role) => `trust/idx/${did}/${role}`;
const grantedIndexKey = (did: string) => `trust/granted/${did}`;
const blocklistKey = (did: string) => `trust/block/${did}`;
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9._:-]{0,99}$/;
const MAX_SCOPE_ENTRIES = 64;
/** Chains are short by design (regulator → authority → issuer); the cap bounds every query. */
const MAX_CHAIN_DEPTH = 4;

/** Reads one accreditation. */
export function readAccreditation(state: StateReader, id: string): Accreditation | undefined {
  const raw = state.get(accreditationKey(id));
  return raw === undefined ? undefined : (JSON.parse(raw) as Accreditation);
}

/** Ids of the accreditations a DID holds in a role (an index: no scan). */
export function accreditationIdsOf(state: StateReader, did: string, role: Role): string[] {
  const raw = state.get(subjectIndexKey(did, role));
  return raw === undefined ? [] : (JSON.parse(raw) as string[]);
}

/** Ids of the accreditations a DID granted (as an accreditation authority). */
export function accreditationIdsGrantedBy(state: StateReader, did: string): string[] {
  const raw = state.get(grantedIndexKey(did));
  return raw === undefined ? [] : (JSON.parse(raw) as string[]);
}

export function readBlocklistEntry(state: StateReader, did: string): BlocklistEntry | undefined {
  const raw = state.get(blocklistKey(did));
  return raw === undefined ? undefined : (JSON.parse(raw) as BlocklistEntry);
}

/** True if `did` was on the regulator's blocklist at `time`. */
export function isBlocklisted(state: StateReader, did: string, time: number): boolean {
  const entry = readBlocklistEntry(state, did);
  if (!entry) return false;
  let listed = false;
  for (const change of entry.history) if (change.time <= time) listed = change.listed;
  return listed;
}

/** The status an accreditation had at `time` (undefined: it did not exist yet). */
export function statusAt(
  accreditation: Accreditation,
  time: number,
): AccreditationStatus | undefined {
  let status: AccreditationStatus | undefined;
  for (const change of accreditation.history) if (change.time <= time) status = change.status;
  return status;
}

function covers(scope: AccreditationScope, credentialType?: string, template?: string): boolean {
  if (credentialType === undefined && template === undefined) return true;
  if (credentialType !== undefined && scope.credentialTypes?.includes(credentialType)) return true;
  if (template !== undefined && scope.templates?.includes(template)) return true;
  return false;
}

export interface AccreditationQuery {
  subject: string;
  role: Role;
  credentialType?: string;
  template?: string;
  /** Block time (ms) the question is about. */
  at: number;
}

export type AccreditationAnswer =
  | { accredited: true; chain: Accreditation[] }
  | { accredited: false; reason: string; chain: Accreditation[] };

/**
 * "Was `subject` accredited as `role` (for this credential type or template) at `at`?",
 * with the chain of accreditations up to the regulator. Reads an index and a handful of
 * records — every credential verification calls it.
 */
export function checkAccreditation(
  state: StateReader,
  query: AccreditationQuery,
): AccreditationAnswer {
  const regulator = readGovernance(state).regulator;
  if (isBlocklisted(state, query.subject, query.at))
    return { accredited: false, reason: 'blocklisted', chain: [] };
  let reason = 'notAccredited';
  for (const id of accreditationIdsOf(state, query.subject, query.role)) {
    const acc = readAccreditation(state, id)!;
    if (!covers(acc.scope, query.credentialType, query.template)) {
      reason = 'outOfScope';
      continue;
    }
    const answer = validAt(state, acc, query.at, regulator, 0);
    if (answer.accredited) return answer;
    reason = answer.reason;
  }
  return { accredited: false, reason, chain: [] };
}

/**
 * Whether one accreditation, and every accreditation above it, was in force at `at`.
 * Scopes need no check here: a grant never exceeds its parent's scope (checked when granted)
 * and scopes never change.
 */
function validAt(
  state: StateReader,
  acc: Accreditation,
  at: number,
  regulator: string,
  depth: number,
): AccreditationAnswer {
  const status = statusAt(acc, at);
  if (status === undefined || at < acc.validFrom)
    return { accredited: false, reason: 'notYetValid', chain: [] };
  if (at >= acc.validUntil) return { accredited: false, reason: 'expired', chain: [] };
  if (status !== 'active') return { accredited: false, reason: status, chain: [] };
  if (isBlocklisted(state, acc.subject, at))
    return { accredited: false, reason: 'blocklisted', chain: [] };
  if (acc.parent === null) {
    return acc.grantedBy === regulator
      ? { accredited: true, chain: [acc] }
      : { accredited: false, reason: 'brokenChain', chain: [] };
  }
  const parent = readAccreditation(state, acc.parent);
  if (
    !parent ||
    parent.subject !== acc.grantedBy ||
    parent.role !== 'accreditationAuthority' ||
    depth >= MAX_CHAIN_DEPTH
  ) {
    return { accredited: false, reason: 'brokenChain', chain: [] };
  }
  const up = validAt(state, parent, at, regulator, depth + 1);
  return up.accredited
    ? { accredited: true, chain: [acc, ...up.chain] }
    : { accredited: false, reason: `grantor ${up.reason}`, chain: [] };
}

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  ensure(
    Array.isArray(value) && value.length > 0 && value.length <= MAX_SCOPE_ENTRIES,
    ErrorCode.Malformed,
    `${field} must be a non-empty array of at most ${MAX_SCOPE_ENTRIES}`,
  );
  for (const item of value)
    ensure(
      typeof item === 'string' && TYPE_NAME.test(item),
      ErrorCode.Malformed,
      `${field} entries must be type names`,
    );
  ensure(new Set(value).size === value.length, ErrorCode.Malformed, `${field} has duplicates`);
  return [...(value as string[])].sort();
}

function scopeField(value: unknown): AccreditationScope {
  if (value === undefined) return {};
  ensure(
    typeof value === 'object' && value !== null && !Array.isArray(value),
    ErrorCode.Malformed,
    'scope must be an object',
  );
  const { credentialTypes, templates, ...rest } = value as Record<string, unknown>;
  ensure(
    Object.keys(rest).length === 0,
    ErrorCode.Malformed,
    'scope has credentialTypes and templates only',
  );
  const scope: AccreditationScope = {};
  const types = stringList(credentialTypes, 'scope.credentialTypes');
  const tmpls = stringList(templates, 'scope.templates');
  if (types) scope.credentialTypes = types;
  if (tmpls) scope.templates = tmpls;
  return scope;
}

function isSubScope(inner: AccreditationScope, outer: AccreditationScope): boolean {
  return (
    (inner.credentialTypes ?? []).every((t) => outer.credentialTypes?.includes(t)) &&
    (inner.templates ?? []).every((t) => outer.templates?.includes(t))
  );
}

function timeField(value: unknown, field: string): number {
  ensure(
    Number.isSafeInteger(value) && (value as number) >= 0,
    ErrorCode.Malformed,
    `${field} must be a time in ms since the epoch`,
  );
  return value as number;
}

function addToIndex(ctx: TxContext, key: string, id: string): void {
  const raw = ctx.state.get(key);
  const ids = raw === undefined ? [] : (JSON.parse(raw) as string[]);
  ids.push(id);
  ctx.state.set(key, JSON.stringify(ids));
}

/**
 * Finds the signer's own authority accreditation, in force now with its whole chain, that
 * covers `scope` until `validUntil` — the one a new accreditation is granted under.
 */
function grantingAuthority(
  ctx: TxContext,
  signer: string,
  scope: AccreditationScope,
  validUntil: number,
): Accreditation {
  const regulator = readGovernance(ctx.state).regulator;
  let reason = 'not an accreditation authority';
  for (const id of accreditationIdsOf(ctx.state, signer, 'accreditationAuthority')) {
    const acc = readAccreditation(ctx.state, id)!;
    const answer = validAt(ctx.state, acc, ctx.time, regulator, 0);
    if (!answer.accredited) {
      reason = answer.reason;
    } else if (!isSubScope(scope, acc.scope) || validUntil > acc.validUntil) {
      reason = 'outside its own scope or validity period';
    } else {
      return acc;
    }
  }
  throw new DdiError(
    ErrorCode.Unauthorized,
    `${signer} may not grant this accreditation: ${reason}`,
    { scope },
  );
}

const accredit: TxHandler = (ctx) => {
  const p = payloadFields(ctx, [
    'nonce',
    'subject',
    'role',
    'scope',
    'validFrom',
    'validUntil',
    'nodeKey',
  ]);
  nonceField(p.nonce);
  ensure(typeof p.subject === 'string', ErrorCode.Malformed, 'subject must be a DID');
  const subject = parseDdiDid(p.subject);
  ensure(
    ROLES.includes(p.role as Role),
    ErrorCode.Malformed,
    `role must be one of ${ROLES.join(', ')}`,
  );
  const role = p.role as Role;
  const scope = scopeField(p.scope);
  const validFrom = p.validFrom === undefined ? ctx.time : timeField(p.validFrom, 'validFrom');
  const validUntil = timeField(p.validUntil, 'validUntil');
  ensure(
    validUntil > validFrom && validUntil > ctx.time,
    ErrorCode.Malformed,
    'validUntil must be after validFrom and in the future',
  );
  if (role === 'credentialIssuer') {
    ensure(
      scope.credentialTypes || scope.templates,
      ErrorCode.Malformed,
      'a credential issuer is accredited for credential types or templates',
    );
  }
  let nodeKey: string | undefined;
  if (p.nodeKey !== undefined) {
    ensure(
      role === 'operator' && typeof p.nodeKey === 'string',
      ErrorCode.Malformed,
      'nodeKey is for operators only',
    );
    publicKeyFromMultibase(p.nodeKey);
    nodeKey = p.nodeKey;
  }

  let grantedBy: string;
  let parent: string | null = null;
  if (isGovernanceSigned(ctx)) {
    grantedBy = authorizeGovernance(ctx).regulator;
  } else {
    // An accreditation authority accredits credential issuers within its own scope (EBSI's TAO).
    grantedBy = authorizeDidSigner(ctx, singleProof(ctx));
    ensure(
      role === 'credentialIssuer',
      ErrorCode.Unauthorized,
      'an accreditation authority accredits credential issuers only',
    );
    parent = grantingAuthority(ctx, grantedBy, scope, validUntil).id;
  }
  const holder = readDidRecord(ctx.state, subject);
  ensure(holder && !holder.deactivated, ErrorCode.NotFound, `${subject} is not an active DID`);
  ensure(
    subject !== readGovernance(ctx.state).regulator,
    ErrorCode.Malformed,
    'the regulator holds no accreditation',
  );

  const accreditation: Accreditation = {
    id: ctx.txId,
    subject,
    role,
    scope,
    validFrom,
    validUntil,
    grantedBy,
    parent,
    ...(nodeKey ? { nodeKey } : {}),
    status: 'active',
    version: 1,
    history: [{ status: 'active', time: ctx.time, height: ctx.height, txId: ctx.txId }],
  };
  ctx.state.set(accreditationKey(ctx.txId), JSON.stringify(accreditation));
  addToIndex(ctx, subjectIndexKey(subject, role), ctx.txId);
  if (parent) addToIndex(ctx, grantedIndexKey(grantedBy), ctx.txId);
};

const TRANSITIONS: Record<AccreditationStatus, AccreditationStatus[]> = {
  active: ['suspended', 'revoked'],
  suspended: ['active', 'revoked'],
  revoked: [],
};

/** trust.setStatus: suspend, reinstate (active) or revoke — by the regulator or the granting authority. */
const setStatus: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['accreditation', 'previousVersion', 'status', 'reason']);
  ensure(
    typeof p.accreditation === 'string' && /^[0-9a-f]{64}$/.test(p.accreditation),
    ErrorCode.Malformed,
    'accreditation must be an accreditation id',
  );
  const acc = readAccreditation(ctx.state, p.accreditation);
  if (!acc) throw new DdiError(ErrorCode.NotFound, `no accreditation ${p.accreditation}`);
  ensure(
    ['active', 'suspended', 'revoked'].includes(p.status as string),
    ErrorCode.Malformed,
    'status must be active, suspended or revoked',
  );
  const status = p.status as AccreditationStatus;
  const reason = optionalReason(p.reason);

  if (isGovernanceSigned(ctx)) {
    authorizeGovernance(ctx);
  } else {
    const signer = authorizeDidSigner(ctx, singleProof(ctx));
    // Only the authority that granted it — checked even when the status would not change.
    ensure(
      acc.parent !== null && acc.grantedBy === signer,
      ErrorCode.Unauthorized,
      `${signer} did not grant this accreditation`,
    );
  }
  previousVersionField(p.previousVersion, acc.version, 'the accreditation');
  ensure(
    TRANSITIONS[acc.status].includes(status),
    ErrorCode.Conflict,
    `an accreditation that is ${acc.status} cannot become ${status}`,
  );
  const change: StatusChange = {
    status,
    time: ctx.time,
    height: ctx.height,
    txId: ctx.txId,
    ...(reason ? { reason } : {}),
  };
  ctx.state.set(
    accreditationKey(acc.id),
    JSON.stringify({ ...acc, status, version: acc.version + 1, history: [...acc.history, change] }),
  );
};

/** trust.blocklist: the regulator lists (or delists) a DID; a listed DID holds no role. */
const blocklist: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['nonce', 'did', 'listed', 'reason']);
  nonceField(p.nonce);
  const config = authorizeGovernance(ctx);
  ensure(typeof p.did === 'string', ErrorCode.Malformed, 'did must be a DID');
  const did = parseDdiDid(p.did);
  ensure(did !== config.regulator, ErrorCode.Malformed, 'the regulator cannot be blocklisted');
  ensure(typeof p.listed === 'boolean', ErrorCode.Malformed, 'listed must be true or false');
  const reason = optionalReason(p.reason);
  const entry = readBlocklistEntry(ctx.state, did) ?? { did, history: [] };
  const now = isBlocklisted(ctx.state, did, ctx.time);
  ensure(
    now !== p.listed,
    ErrorCode.Conflict,
    p.listed ? `${did} is already listed` : `${did} is not listed`,
  );
  entry.history.push({
    listed: p.listed,
    time: ctx.time,
    height: ctx.height,
    txId: ctx.txId,
    ...(reason ? { reason } : {}),
  });
  ctx.state.set(blocklistKey(did), JSON.stringify(entry));
};

export const trustRegistryHandlers: Record<string, TxHandler> = {
  'trust.accredit': accredit,
  'trust.setStatus': setStatus,
  'trust.blocklist': blocklist,
};
