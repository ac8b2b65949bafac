import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import type { StateReader } from '../../ledger/state/world-state.ts';
import type {
  Accreditation,
  BlocklistEntry,
  Role,
} from '../../ledger/registries/trust-registry.ts';
import {
  ROLES,
  accreditationIdsOf,
  checkAccreditation,
  readAccreditation,
  readBlocklistEntry,
} from '../../ledger/registries/trust-registry.ts';
import { didInput, integerInput, nameInput, timeInput } from './query-input.ts';

/** A blocklist entry with whether the DID is listed now (the last change). */
export interface BlocklistStatus extends BlocklistEntry {
  listed: boolean;
}

/** The question of `GET /v1/trust/check`, as the query string (or an SDK call) gives it. */
export interface TrustCheckQuery {
  subject: string;
  role: string;
  credentialType?: string;
  template?: string;
  /** ISO 8601 time the question is about (default: now). */
  at?: string;
  /** Or: the time of this block. */
  height?: number;
}

/** The answer, with the time it is about and the chain up to the regulator. */
export interface TrustCheckAnswer {
  accredited: boolean;
  /** Why not (notAccredited, outOfScope, expired, suspended, revoked, blocklisted, …). */
  reason?: string;
  /** The accreditation that holds and each one above it, up to one granted by the regulator. */
  chain: Accreditation[];
  /** The time asked about, ISO 8601. */
  at: string;
  /** The block whose time `at` is, when asked by height. */
  height?: number;
}

function roleInput(value: unknown): Role {
  if (!ROLES.includes(value as Role)) {
    throw new DdiError(ErrorCode.Malformed, `role must be one of ${ROLES.join(', ')}`, {
      field: 'role',
    });
  }
  return value as Role;
}

function accreditationIdInput(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value)) {
    throw new DdiError(ErrorCode.Malformed, 'an accreditation id is 64 lowercase hex digits', {
      field: 'id',
    });
  }
  return value;
}

/** One accreditation with its status history; `notFound` if there is none with this id. */
export function accreditationById(ledger: Ledger, id: string): Accreditation {
  const accreditation = readAccreditation(ledger.state, accreditationIdInput(id));
  if (!accreditation) throw new DdiError(ErrorCode.NotFound, `no accreditation ${id}`);
  return accreditation;
}

/**
 * The accreditations a DID holds (in one role, or in every role), oldest first. Reads the
 * subject index: one state read per role, never a scan.
 */
export function accreditationsOf(
  ledger: Ledger,
  query: { subject: string; role?: string },
): Accreditation[] {
  const subject = didInput(query.subject, 'subject');
  const roles = query.role === undefined ? ROLES : [roleInput(query.role)];
  return roles.flatMap((role) =>
    accreditationIdsOf(ledger.state, subject, role).map((id) =>
      readAccreditation(ledger.state, id)!,
    ),
  );
}

/**
 * "Was `subject` accredited as `role` (for this type or template) at this time?" — at the
 * time given, at a block's time, or now.
 */
export function checkTrust(
  ledger: Ledger,
  query: TrustCheckQuery,
  state: StateReader = ledger.state,
): TrustCheckAnswer {
  const subject = didInput(query.subject, 'subject');
  const role = roleInput(query.role);
  const credentialType = nameInput(query.credentialType, 'credentialType');
  const template = nameInput(query.template, 'template');
  if (query.at !== undefined && query.height !== undefined) {
    throw new DdiError(ErrorCode.Malformed, 'give at or height, not both', { field: 'at' });
  }
  let at: number;
  let height: number | undefined;
  if (query.height !== undefined) {
    height = integerInput(query.height, 'height');
    at = ledger.blockAt(height).header.time;
  } else {
    at = query.at === undefined ? Date.now() : timeInput(query.at, 'at');
  }
  const answer = checkAccreditation(state, {
    subject,
    role,
    ...(credentialType === undefined ? {} : { credentialType }),
    ...(template === undefined ? {} : { template }),
    at,
  });
  return {
    accredited: answer.accredited,
    ...(answer.accredited ? {} : { reason: answer.reason }),
    chain: answer.chain,
    at: new Date(at).toISOString(),
    ...(height === undefined ? {} : { height }),
  };
}

/** A DID's blocklist history and whether it is listed now; `notFound` if it was never listed. */
export function blocklistStatus(ledger: Ledger, did: string): BlocklistStatus {
  const subject = didInput(did, 'did');
  const entry = readBlocklistEntry(ledger.state, subject);
  if (!entry) throw new DdiError(ErrorCode.NotFound, `${subject} has never been blocklisted`);
  return { did: entry.did, listed: entry.history.at(-1)?.listed ?? false, history: entry.history };
}
