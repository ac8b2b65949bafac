import { DdiError, ErrorCode } from '../../core/errors.ts';
import { encodeTokenStatusListBytes } from '../../core/status/token-status-list.ts';
import type { StatusBits } from '../../core/status/packed-statuses.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import type { StateReader } from '../../ledger/state/world-state.ts';
import {
  CredentialStatus,
  readStatusList,
  statusListBytes,
  statusOf,
} from '../../ledger/registries/status-registry.ts';
import type { StatusListPurpose } from '../../ledger/registries/status-registry.ts';
import { didInput, integerInput } from './query-input.ts';

/** What `GET /v1/status-lists/{owner}/{listId}` answers: the list as an unsigned Token Status List. */
export interface StatusListView {
  owner: string;
  listId: string;
  size: number;
  bits: StatusBits;
  purpose: StatusListPurpose;
  version: number;
  updatedHeight: number;
  /** The Token Status List `lst` (DEFLATE/zlib, base64url) of the ledger's bits. */
  lst: string;
}

/** An entry's status by name: the value is that of the IETF Token Status List. */
export type CredentialStatusName = 'valid' | 'revoked' | 'suspended';

/** What `GET /v1/status-lists/{owner}/{listId}/entries/{index}` answers. */
export interface StatusEntryView {
  index: number;
  status: CredentialStatusName;
  value: number;
}

const STATUS_NAMES: Record<number, CredentialStatusName> = {
  [CredentialStatus.Valid]: 'valid',
  [CredentialStatus.Revoked]: 'revoked',
  [CredentialStatus.Suspended]: 'suspended',
};

/** The name of a status value (the ledger stores only 0, 1 and 2). */
export function statusName(value: number): CredentialStatusName {
  const name = STATUS_NAMES[value];
  if (!name) throw new DdiError(ErrorCode.Internal, `status value ${value} has no name`);
  return name;
}

/** A status list id as the ledger accepts it: anything else was never created. */
export function listIdInput(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(value)) {
    throw new DdiError(ErrorCode.Malformed, 'listId must be 8-64 base64url characters', {
      field: 'listId',
    });
  }
  return value;
}

/** The list's record; `notFound` when the owner has no such list. */
function listRecord(state: StateReader, owner: string, listId: string) {
  const list = readStatusList(state, owner, listId);
  if (!list) throw new DdiError(ErrorCode.NotFound, `no status list ${listId} of ${owner}`);
  return list;
}

/** The height that last changed a list (its ETag); `notFound` when there is no such list. */
export function statusListHeight(
  ledger: Ledger,
  ownerInput: unknown,
  listIdValue: unknown,
): number {
  const owner = didInput(ownerInput, 'owner');
  return listRecord(ledger.state, owner, listIdInput(listIdValue)).updatedHeight;
}

/** A status list with its entries as an unsigned Token Status List (signing is the issuer's job). */
export function statusListView(
  ledger: Ledger,
  ownerInput: unknown,
  listIdValue: unknown,
): StatusListView {
  const owner = didInput(ownerInput, 'owner');
  const listId = listIdInput(listIdValue);
  const list = listRecord(ledger.state, owner, listId);
  const { lst } = encodeTokenStatusListBytes(
    statusListBytes(ledger.state, owner, listId),
    list.bits,
  );
  return {
    owner,
    listId,
    size: list.size,
    bits: list.bits,
    purpose: list.purpose,
    version: list.version,
    updatedHeight: list.updatedHeight,
    lst,
  };
}

/**
 * One entry's status, read through `state` (a recording reader when the answer is proven).
 * An index outside the list is `malformed` (reason RANGE_ERROR), as the ledger refuses it.
 */
export function statusEntry(
  state: StateReader,
  ownerInput: unknown,
  listIdValue: unknown,
  indexInput: unknown,
): StatusEntryView {
  const owner = didInput(ownerInput, 'owner');
  const listId = listIdInput(listIdValue);
  const index = integerInput(indexInput, 'index');
  listRecord(state, owner, listId);
  const value = statusOf(state, owner, listId, index);
  return { index, status: statusName(value), value };
}
