import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { parseDdiDid } from '../../core/did/index.ts';
import { readPackedStatus, writePackedStatus } from '../../core/status/packed-statuses.ts';
import type { StateReader } from '../state/world-state.ts';
import type { TxHandler } from './tx-context.ts';
import {
  authorizeDidSigner,
  payloadFields,
  previousVersionField,
  singleProof,
} from './authorization.ts';
import { checkAccreditation } from './trust-registry.ts';

/** What a list's statuses mean: revocation (0 valid, 1 revoked), suspension (0, 2), or both. */
export type StatusListPurpose = 'revocation' | 'suspension' | 'revocation+suspension';
export const STATUS_LIST_PURPOSES: readonly StatusListPurpose[] = [
  'revocation',
  'suspension',
  'revocation+suspension',
];

/** Entry values: those of the IETF Token Status List, so the pages serve it as they are. */
export const CredentialStatus = { Valid: 0, Revoked: 1, Suspended: 2 } as const;

/** An issuer's status list. The statuses themselves live in pages (`statusPageKey`). */
export interface StatusListRecord {
  listId: string;
  owner: string;
  size: number;
  bits: 1 | 2;
  purpose: StatusListPurpose;
  /** 1 when created; +1 for every `status.set`. */
  version: number;
  created: number;
  updated: number;
  /** Height of the block that last changed the list (serving: a cache validator). */
  updatedHeight: number;
}

/** Entries per page: a 2-bit page is 4 KiB, so a `status.set` rewrites a few KiB, not the list. */
export const STATUS_PAGE_ENTRIES = 16_384;
/** W3C Bitstring Status List's minimum; smaller lists would hide a holder among too few. */
export const MIN_STATUS_LIST_SIZE = 131_072;
export const DEFAULT_STATUS_LIST_SIZE = 131_072;
export const MAX_STATUS_LIST_SIZE = 1_048_576;
export const MAX_STATUS_CHANGES = 1_000;
const LIST_ID = /^[A-Za-z0-9_-]{8,64}$/;

const listKey = (owner: string, listId: string) => `status/${owner}/${listId}`;
/** The state key of one page: base64 of its packed entries (Token Status List bit order). */
export const statusPageKey = (owner: string, listId: string, page: number) =>
  `status/${owner}/${listId}/p/${page}`;

/** Statuses an entry of a list with `purpose` may hold. */
function allowedStatuses(purpose: StatusListPurpose): readonly number[] {
  if (purpose === 'revocation') return [0, 1];
  if (purpose === 'suspension') return [0, 2];
  return [0, 1, 2];
}

/** Reads a status list's record. */
export function readStatusList(
  state: StateReader,
  owner: string,
  listId: string,
): StatusListRecord | undefined {
  const raw = state.get(listKey(owner, listId));
  return raw === undefined ? undefined : (JSON.parse(raw) as StatusListRecord);
}

function pageBytes(state: StateReader, list: StatusListRecord, page: number): Uint8Array {
  const raw = state.get(statusPageKey(list.owner, list.listId, page));
  // Pages are written on first change: an absent page is all VALID.
  if (raw === undefined) return new Uint8Array((STATUS_PAGE_ENTRIES * list.bits) / 8);
  return new Uint8Array(Buffer.from(raw, 'base64'));
}

function requireList(state: StateReader, owner: string, listId: string): StatusListRecord {
  const list = readStatusList(state, owner, listId);
  if (!list) throw new DdiError(ErrorCode.NotFound, `no status list ${listId} of ${owner}`);
  return list;
}

function checkIndex(list: StatusListRecord, index: unknown): number {
  if (!Number.isSafeInteger(index) || (index as number) < 0 || (index as number) >= list.size) {
    throw new DdiError(
      ErrorCode.Malformed,
      `index ${String(index)} is outside the list (0 to ${list.size - 1})`,
      { reason: 'RANGE_ERROR', index },
    );
  }
  return index as number;
}

/** The status of one entry (reads the list record and one page). */
export function statusOf(state: StateReader, owner: string, listId: string, index: number): number {
  const list = requireList(state, owner, listId);
  const i = checkIndex(list, index);
  const page = pageBytes(state, list, Math.floor(i / STATUS_PAGE_ENTRIES));
  return readPackedStatus(page, list.bits, i % STATUS_PAGE_ENTRIES);
}

/**
 * The whole list as one packed byte array in Token Status List order (`size × bits / 8`
 * bytes), ready for `encodeTokenStatusListBytes`; `unpackTokenStatuses` gives one value per
 * entry for the Bitstring Status List.
 */
export function statusListBytes(state: StateReader, owner: string, listId: string): Uint8Array {
  const list = requireList(state, owner, listId);
  const pageLength = (STATUS_PAGE_ENTRIES * list.bits) / 8;
  const out = new Uint8Array((list.size * list.bits) / 8);
  for (let page = 0; page < list.size / STATUS_PAGE_ENTRIES; page++) {
    const raw = state.get(statusPageKey(owner, listId, page));
    if (raw !== undefined) out.set(Buffer.from(raw, 'base64'), page * pageLength);
  }
  return out;
}

function listIdField(value: unknown): string {
  ensure(
    typeof value === 'string' && LIST_ID.test(value),
    ErrorCode.Malformed,
    'listId must be 8-64 base64url characters',
  );
  return value;
}

/**
 * status.createList: an issuer accredited now as a credential issuer (for any type) creates
 * a list it alone will change. Only the record is written; pages appear on first change.
 */
const createList: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['listId', 'size', 'bits', 'purpose']);
  const listId = listIdField(p.listId);
  const size = p.size === undefined ? DEFAULT_STATUS_LIST_SIZE : p.size;
  ensure(
    Number.isSafeInteger(size) &&
      (size as number) >= MIN_STATUS_LIST_SIZE &&
      (size as number) <= MAX_STATUS_LIST_SIZE &&
      ((size as number) & ((size as number) - 1)) === 0,
    ErrorCode.Malformed,
    `size must be a power of two from ${MIN_STATUS_LIST_SIZE} to ${MAX_STATUS_LIST_SIZE}`,
  );
  ensure(
    STATUS_LIST_PURPOSES.includes(p.purpose as StatusListPurpose),
    ErrorCode.Malformed,
    `purpose must be one of ${STATUS_LIST_PURPOSES.join(', ')}`,
  );
  const purpose = p.purpose as StatusListPurpose;
  const bits = p.bits === undefined ? 2 : p.bits;
  ensure(bits === 1 || bits === 2, ErrorCode.Malformed, 'bits must be 1 or 2');
  // SUSPENDED is 2 in the Token Status List: a list that suspends needs two bits per entry.
  ensure(
    bits === 2 || purpose === 'revocation',
    ErrorCode.Malformed,
    'a list that records suspension has 2 bits per entry',
  );

  const owner = authorizeDidSigner(ctx, singleProof(ctx));
  const answer = checkAccreditation(ctx.state, {
    subject: owner,
    role: 'credentialIssuer',
    at: ctx.time,
  });
  if (!answer.accredited) {
    throw new DdiError(
      ErrorCode.Unauthorized,
      `${owner} is not an accredited credential issuer (${answer.reason})`,
      { reason: answer.reason },
    );
  }
  ensure(
    !readStatusList(ctx.state, owner, listId),
    ErrorCode.Conflict,
    `status list ${listId} of ${owner} exists`,
  );
  const record: StatusListRecord = {
    listId,
    owner,
    size: size as number,
    bits,
    purpose,
    version: 1,
    created: ctx.time,
    updated: ctx.time,
    updatedHeight: ctx.height,
  };
  ctx.state.set(listKey(owner, listId), JSON.stringify(record));
};

/**
 * status.set: the list's owner changes up to 1,000 entries, naming the version it replaces.
 * No accreditation check: an issuer must still be able to revoke after its accreditation
 * lapses. Revoked is final (W3C: revocation "is not reversible").
 */
const set: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['owner', 'listId', 'changes', 'previousVersion']);
  ensure(typeof p.owner === 'string', ErrorCode.Malformed, 'owner must be a DID');
  const owner = parseDdiDid(p.owner);
  const listId = listIdField(p.listId);
  const signer = authorizeDidSigner(ctx, singleProof(ctx));
  // Before anything about the list: someone else is refused even for a change of nothing.
  ensure(signer === owner, ErrorCode.Unauthorized, `${signer} does not own ${listId}`);
  const list = requireList(ctx.state, owner, listId);
  previousVersionField(p.previousVersion, list.version, `status list ${listId}`);
  ensure(
    Array.isArray(p.changes) && p.changes.length > 0,
    ErrorCode.Malformed,
    'changes must be a non-empty array',
  );
  ensure(
    p.changes.length <= MAX_STATUS_CHANGES,
    ErrorCode.TooLarge,
    `at most ${MAX_STATUS_CHANGES} changes per transaction`,
  );

  const allowed = allowedStatuses(list.purpose);
  const pages = new Map<number, Uint8Array>();
  const seen = new Set<number>();
  for (const change of p.changes as unknown[]) {
    ensure(
      typeof change === 'object' && change !== null && !Array.isArray(change),
      ErrorCode.Malformed,
      'each change is {index, status}',
    );
    const { index, status, ...rest } = change as Record<string, unknown>;
    ensure(Object.keys(rest).length === 0, ErrorCode.Malformed, 'each change is {index, status}');
    const i = checkIndex(list, index);
    ensure(!seen.has(i), ErrorCode.Malformed, `index ${i} is changed twice`, { index: i });
    seen.add(i);
    ensure(
      allowed.includes(status as number),
      ErrorCode.Malformed,
      `status must be one of ${allowed.join(', ')} in a ${list.purpose} list`,
      { reason: 'status', index: i },
    );
    const pageNo = Math.floor(i / STATUS_PAGE_ENTRIES);
    let page = pages.get(pageNo);
    if (!page) {
      page = pageBytes(ctx.state, list, pageNo);
      pages.set(pageNo, page);
    }
    const current = readPackedStatus(page, list.bits, i % STATUS_PAGE_ENTRIES);
    ensure(
      current !== CredentialStatus.Revoked || status === CredentialStatus.Revoked,
      ErrorCode.Conflict,
      `entry ${i} is revoked; revocation is final`,
      { index: i },
    );
    writePackedStatus(page, list.bits, i % STATUS_PAGE_ENTRIES, status as number);
  }
  // Map order is first-touch order, the same on every node; state writes are keyed anyway.
  for (const [pageNo, page] of pages)
    ctx.state.set(statusPageKey(owner, listId, pageNo), Buffer.from(page).toString('base64'));
  const updated: StatusListRecord = {
    ...list,
    version: list.version + 1,
    updated: ctx.time,
    updatedHeight: ctx.height,
  };
  ctx.state.set(listKey(owner, listId), JSON.stringify(updated));
};

export const statusRegistryHandlers: Record<string, TxHandler> = {
  'status.createList': createList,
  'status.set': set,
};
