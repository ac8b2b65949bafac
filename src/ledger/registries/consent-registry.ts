import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { parseDdiDid } from '../../core/did/index.ts';
import {
  DATA_CATEGORY_NAMES,
  isDataCategory,
  isSensitiveCategory,
} from '../../core/consent/data-categories.ts';
import type { DataCategory } from '../../core/consent/data-categories.ts';
import type { StateReader } from '../state/world-state.ts';
import type { TxContext, TxHandler } from './tx-context.ts';
import {
  activeDidField,
  authorizeDidSigner,
  noPersonalNumbers,
  optionalReason,
  payloadFields,
  singleProof,
} from './authorization.ts';
import { readDidRecord } from './did-state.ts';

/**
 * Data authorizations: a holder (grantor) lets an application (grantee) use one category of
 * their data — or several ordinary ones — for a purpose and a period. The ledger holds the
 * grant's terms only, never the data. The grantor revokes at any time; the grantee may
 * renounce. Both end the grant for good.
 */

export type ConsentStatus = 'active' | 'revoked' | 'renounced';

/** How a grant ended: revoked by its grantor or renounced by its grantee. */
export interface ConsentEnd {
  status: 'revoked' | 'renounced';
  by: string;
  time: number;
  height: number;
  txId: string;
  reason?: string;
}

/** One grant as the ledger stores it (under `consent/grant/<grantId>`). */
export interface ConsentGrant {
  grantId: string;
  grantor: string;
  grantee: string;
  /** Sorted; a sensitive category is always alone. */
  scopes: DataCategory[];
  /** The grant covers a sensitive category (PIPL art. 28/29: separate consent). */
  sensitive: boolean;
  purpose: string;
  /** Start of validity: the later of `notBefore` and the block time (a consent never backdates). */
  validFrom: number;
  /** End of validity (exclusive), ms since the epoch. */
  expires: number;
  status: ConsentStatus;
  created: number;
  height: number;
  txId: string;
  ended?: ConsentEnd;
}

/** Why a check says no. */
export type ConsentRefusal =
  | 'noGrant'
  | 'grantorMismatch'
  | 'granteeMismatch'
  | 'scopeMismatch'
  | 'purposeMismatch'
  | 'revoked'
  | 'renounced'
  | 'notYetValid'
  | 'expired'
  | 'grantorDeactivated'
  | 'granteeDeactivated';

export interface ConsentQuery {
  grantor: string;
  grantee: string;
  scope: DataCategory;
  /** When given, only a grant for exactly this purpose answers. */
  purpose?: string;
  /** When given, this grant and no other must cover the access. */
  grantId?: string;
  /** The time of the access (ms since the epoch). */
  at: number;
  /**
   * A check of "now" rather than of a past moment: a grant that has ended (revoked or
   * renounced) is refused whatever `at` says. `at` comes from the asker's clock and the
   * end's time from a block's; a clock behind the block would otherwise honour a revoked
   * grant.
   */
  current?: boolean;
}

export type ConsentAnswer =
  | { allowed: true; grant: ConsentGrant }
  | { allowed: false; reason: ConsentRefusal; grant?: ConsentGrant };

const GRANT_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** Letters, digits, space and `._:/-`; no personal data (see docs/data-authorization.md). */
const PURPOSE = /^[\p{L}\p{N}][\p{L}\p{N} ._:/-]{0,99}$/u;
/**
 * A number of 5+ digits (separators ignored) could be a phone, account or ID number: a
 * purpose never needs one.
 */
const PURPOSE_DIGIT_RUN = 5;
/** An id is random; one with 11+ digits in a row could be a phone or ID number. */
const ID_DIGIT_RUN = 11;
export const MAX_PURPOSE_LENGTH = 100;
/**
 * Active (not ended) unexpired grants one grantor may hold for one grantee and one
 * category. Bounds the pair index every check reads; expired, revoked and renounced grants
 * leave it when the next grant is made.
 */
export const MAX_GRANTS_PER_SCOPE = 32;

const grantKey = (grantId: string) => `consent/grant/${grantId}`;
const pairKey = (grantor: string, grantee: string, scope: string) =>
  `consent/pair/${grantor}/${grantee}/${scope}`;
/** A party's listing: a count and one key per position, so a grant adds O(1) state. */
const partyCountKey = (side: ConsentParty, did: string) => `consent/${side}/${did}`;
const partyItemKey = (side: ConsentParty, did: string, index: number) =>
  `consent/${side}/${did}/${index}`;

/** Which side of grants a listing is for. */
export type ConsentParty = 'grantor' | 'grantee';

/** Reads one grant. */
export function readConsentGrant(state: StateReader, grantId: string): ConsentGrant | undefined {
  const raw = state.get(grantKey(grantId));
  return raw === undefined ? undefined : (JSON.parse(raw) as ConsentGrant);
}

/** How many grants a DID has made (grantor) or received (grantee). */
export function consentCount(state: StateReader, side: ConsentParty, did: string): number {
  const raw = state.get(partyCountKey(side, did));
  return raw === undefined ? 0 : Number(raw);
}

/** The grant id at a position (0 = oldest) of a party's listing. */
export function consentIdAt(
  state: StateReader,
  side: ConsentParty,
  did: string,
  index: number,
): string | undefined {
  return state.get(partyItemKey(side, did, index));
}

/** The grant ids of one grantor for one grantee and category not yet pruned, oldest first. */
export function consentIdsForPair(
  state: StateReader,
  grantor: string,
  grantee: string,
  scope: DataCategory,
): string[] {
  const raw = state.get(pairKey(grantor, grantee, scope));
  return raw === undefined ? [] : (JSON.parse(raw) as string[]);
}

/** How one grant answers a query (all checks, in a fixed order). */
function answerFor(state: StateReader, grant: ConsentGrant, query: ConsentQuery): ConsentAnswer {
  const refuse = (reason: ConsentRefusal): ConsentAnswer => ({ allowed: false, reason, grant });
  if (grant.grantor !== query.grantor) return refuse('grantorMismatch');
  if (grant.grantee !== query.grantee) return refuse('granteeMismatch');
  if (!grant.scopes.includes(query.scope)) return refuse('scopeMismatch');
  if (query.purpose !== undefined && grant.purpose !== query.purpose)
    return refuse('purposeMismatch');
  if (grant.ended && (query.current || query.at >= grant.ended.time)) {
    return refuse(grant.ended.status);
  }
  if (query.at < grant.validFrom) return refuse('notYetValid');
  if (query.at >= grant.expires) return refuse('expired');
  if (readDidRecord(state, grant.grantor)?.deactivated) return refuse('grantorDeactivated');
  if (readDidRecord(state, grant.grantee)?.deactivated) return refuse('granteeDeactivated');
  return { allowed: true, grant };
}

/**
 * "May `grantee` use `grantor`'s data of category `scope` (for `purpose`) at `at`?" With a
 * grant id, that grant must cover it; without, any grant of the pair may. Refusals name the
 * reason of the most recent grant that matched the purpose asked for.
 */
export function checkConsent(state: StateReader, query: ConsentQuery): ConsentAnswer {
  if (query.grantId !== undefined) {
    const grant = readConsentGrant(state, query.grantId);
    return grant ? answerFor(state, grant, query) : { allowed: false, reason: 'noGrant' };
  }
  const ids = consentIdsForPair(state, query.grantor, query.grantee, query.scope);
  if (ids.length === 0) return { allowed: false, reason: 'noGrant' };
  let refusal: ConsentAnswer | undefined;
  for (const id of ids) {
    const answer = answerFor(state, readConsentGrant(state, id)!, query);
    if (answer.allowed) return answer;
    // Later grants override earlier ones; a purpose mismatch only when nothing else matched.
    if (answer.reason !== 'purposeMismatch' || !refusal) refusal = answer;
  }
  return refusal!;
}

function grantIdField(value: unknown): string {
  ensure(
    typeof value === 'string' && GRANT_ID.test(value),
    ErrorCode.Malformed,
    'grantId must be 8-64 base64url characters',
    { field: 'grantId' },
  );
  return noPersonalNumbers(value, 'grantId', ID_DIGIT_RUN);
}

function timeField(value: unknown, field: string): number {
  ensure(
    Number.isSafeInteger(value) && (value as number) >= 0,
    ErrorCode.Malformed,
    `${field} must be a time in ms since the epoch`,
    { field },
  );
  return value as number;
}

/** A purpose: a short code or phrase; never personal data. */
export function purposeField(value: unknown): string {
  ensure(
    typeof value === 'string' && PURPOSE.test(value),
    ErrorCode.Malformed,
    `purpose must be 1-${MAX_PURPOSE_LENGTH} letters, digits, spaces or ._:/-`,
    { field: 'purpose' },
  );
  return noPersonalNumbers(value, 'purpose', PURPOSE_DIGIT_RUN);
}

/** The categories of one grant: sorted, no duplicates, a sensitive one alone. */
function scopesField(value: unknown): DataCategory[] {
  ensure(
    Array.isArray(value) && value.length > 0 && value.length <= DATA_CATEGORY_NAMES.length,
    ErrorCode.Malformed,
    'scopes must be a non-empty array of data categories',
    { field: 'scopes' },
  );
  for (const item of value) {
    ensure(
      isDataCategory(item),
      ErrorCode.Malformed,
      `"${String(item)}" is not a data category (${DATA_CATEGORY_NAMES.join(', ')})`,
      { field: 'scopes' },
    );
  }
  const scopes = value as DataCategory[];
  ensure(new Set(scopes).size === scopes.length, ErrorCode.Malformed, 'scopes has duplicates', {
    field: 'scopes',
  });
  const sensitive = scopes.filter(isSensitiveCategory);
  // PIPL art. 29: sensitive personal information needs the individual's separate consent.
  ensure(
    sensitive.length === 0 || scopes.length === 1,
    ErrorCode.Malformed,
    `${sensitive.join(', ')} is sensitive personal information: grant it on its own`,
    { field: 'scopes', reason: 'sensitiveBundled' },
  );
  return [...scopes].sort();
}

/** consent.grant: the grantor, signing, grants the grantee access on these terms. */
const grant: TxHandler = (ctx) => {
  const p = payloadFields(ctx, [
    'grantId',
    'grantor',
    'grantee',
    'scopes',
    'purpose',
    'notBefore',
    'expires',
  ]);
  const grantId = grantIdField(p.grantId);
  ensure(typeof p.grantor === 'string', ErrorCode.Malformed, 'grantor must be a DID');
  const grantor = parseDdiDid(p.grantor);
  const scopes = scopesField(p.scopes);
  const purpose = purposeField(p.purpose);
  const notBefore = p.notBefore === undefined ? ctx.time : timeField(p.notBefore, 'notBefore');
  const expires = timeField(p.expires, 'expires');
  const validFrom = Math.max(notBefore, ctx.time);
  ensure(
    expires > validFrom,
    ErrorCode.Malformed,
    'expires must be after notBefore and in the future',
    { field: 'expires', reason: 'expired' },
  );
  const signer = authorizeDidSigner(ctx, singleProof(ctx));
  ensure(signer === grantor, ErrorCode.Unauthorized, `${signer} cannot grant for ${grantor}`);
  const grantee = activeDidField(ctx, p.grantee, 'grantee');
  ensure(grantee !== grantor, ErrorCode.Malformed, 'a DID does not grant access to itself', {
    field: 'grantee',
  });
  ensure(!readConsentGrant(ctx.state, grantId), ErrorCode.Conflict, `grant ${grantId} exists`, {
    grantId,
  });

  // Pair indexes first: a full one refuses the grant before anything is written. Only
  // grants still in force count and stay; ended (revoked, renounced) and expired ones leave.
  const pairs = scopes.map((scope) => {
    const live = consentIdsForPair(ctx.state, grantor, grantee, scope).filter((id) => {
      const grant = readConsentGrant(ctx.state, id)!;
      return grant.status === 'active' && grant.expires > ctx.time;
    });
    ensure(
      live.length < MAX_GRANTS_PER_SCOPE,
      ErrorCode.Conflict,
      `${grantor} holds ${MAX_GRANTS_PER_SCOPE} active grants of ${scope} to ${grantee}`,
      { scope },
    );
    return { scope, ids: [...live, grantId] };
  });
  const record: ConsentGrant = {
    grantId,
    grantor,
    grantee,
    scopes,
    sensitive: scopes.some(isSensitiveCategory),
    purpose,
    validFrom,
    expires,
    status: 'active',
    created: ctx.time,
    height: ctx.height,
    txId: ctx.txId,
  };
  ctx.state.set(grantKey(grantId), JSON.stringify(record));
  for (const { scope, ids } of pairs)
    ctx.state.set(pairKey(grantor, grantee, scope), JSON.stringify(ids));
  appendToParty(ctx, 'grantor', grantor, grantId);
  appendToParty(ctx, 'grantee', grantee, grantId);
};

function appendToParty(ctx: TxContext, side: ConsentParty, did: string, grantId: string): void {
  const n = consentCount(ctx.state, side, did);
  ctx.state.set(partyItemKey(side, did, n), grantId);
  ctx.state.set(partyCountKey(side, did), String(n + 1));
}

/** Ends a grant: `revoked` by its grantor, `renounced` by its grantee. Final. */
function ending(status: ConsentEnd['status']): TxHandler {
  const party: ConsentParty = status === 'revoked' ? 'grantor' : 'grantee';
  return (ctx) => {
    const p = payloadFields(ctx, ['grantId', 'reason']);
    const grantId = grantIdField(p.grantId);
    const reason = optionalReason(p.reason);
    const signer = authorizeDidSigner(ctx, singleProof(ctx));
    const record = readConsentGrant(ctx.state, grantId);
    if (!record) throw new DdiError(ErrorCode.NotFound, `no grant ${grantId}`, { grantId });
    ensure(
      record[party] === signer,
      ErrorCode.Unauthorized,
      `only the ${party} of ${grantId} may ${status === 'revoked' ? 'revoke' : 'renounce'} it`,
    );
    ensure(record.status === 'active', ErrorCode.Conflict, `grant ${grantId} is ${record.status}`, {
      status: record.status,
    });
    const ended: ConsentEnd = {
      status,
      by: signer,
      time: ctx.time,
      height: ctx.height,
      txId: ctx.txId,
      ...(reason ? { reason } : {}),
    };
    ctx.state.set(grantKey(grantId), JSON.stringify({ ...record, status, ended }));
  };
}

export const consentRegistryHandlers: Record<string, TxHandler> = {
  'consent.grant': grant,
  'consent.revoke': ending('revoked'),
  'consent.renounce': ending('renounced'),
};
