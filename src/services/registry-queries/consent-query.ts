import { DdiError, ErrorCode } from '../../core/errors.ts';
import { DATA_CATEGORY_NAMES, isDataCategory } from '../../core/consent/data-categories.ts';
import type { DataCategory } from '../../core/consent/data-categories.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import type { StateReader } from '../../ledger/state/world-state.ts';
import {
  checkConsent,
  consentCount,
  consentIdAt,
  purposeField,
  readConsentGrant,
} from '../../ledger/registries/consent-registry.ts';
import type {
  ConsentGrant,
  ConsentParty,
  ConsentRefusal,
} from '../../ledger/registries/consent-registry.ts';
import {
  isAuditLogId,
  readAuditAnchorAt,
  readLatestAuditAnchor,
} from '../../ledger/registries/audit-anchor-registry.ts';
import type { AuditAnchor } from '../../ledger/registries/audit-anchor-registry.ts';
import { didInput, integerInput, timeInput } from './query-input.ts';

/** The question of `/v1/consents/check`, as a query string, a JSON body or an SDK call gives it. */
export interface ConsentCheckQuery {
  grantor: string;
  grantee: string;
  scope: string;
  purpose?: string;
  grantId?: string;
  /** ISO 8601 time of the access (default: now). */
  at?: string;
}

/** The answer: allowed, or why not, with the grant that decided and the time asked about. */
export interface ConsentDecision {
  allowed: boolean;
  reason?: ConsentRefusal;
  grant?: ConsentGrant;
  at: string;
}

/** A page of a party's grants, newest first. */
export interface ConsentPage {
  grants: ConsentGrant[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: number;
}

export const DEFAULT_CONSENT_PAGE = 50;
export const MAX_CONSENT_PAGE = 200;

function grantIdInput(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(value)) {
    throw new DdiError(ErrorCode.Malformed, 'grantId must be 8-64 base64url characters', {
      field: 'grantId',
    });
  }
  return value;
}

function scopeInput(value: unknown): DataCategory {
  if (!isDataCategory(value)) {
    throw new DdiError(
      ErrorCode.Malformed,
      `scope must be a data category (${DATA_CATEGORY_NAMES.join(', ')})`,
      { field: 'scope' },
    );
  }
  return value;
}

/** One grant; `notFound` if none has this id. */
export function consentById(ledger: Ledger, grantId: unknown): ConsentGrant {
  const id = grantIdInput(grantId);
  const grant = readConsentGrant(ledger.state, id);
  if (!grant) throw new DdiError(ErrorCode.NotFound, `no grant ${id}`);
  return grant;
}

/**
 * The grants a DID made (`grantor`) or received (`grantee`), newest first, `limit` at a
 * time; `cursor` continues where the last page ended. Reads one key per grant, never a scan.
 */
export function consentsOf(
  ledger: Ledger,
  query: { grantor?: string; grantee?: string; limit?: number | string; cursor?: number | string },
): ConsentPage {
  if ((query.grantor === undefined) === (query.grantee === undefined)) {
    throw new DdiError(ErrorCode.Malformed, 'give grantor or grantee (one of them)', {
      field: 'grantor',
    });
  }
  const side: ConsentParty = query.grantor !== undefined ? 'grantor' : 'grantee';
  const did = didInput(query[side], side);
  const limit =
    query.limit === undefined ? DEFAULT_CONSENT_PAGE : integerInput(query.limit, 'limit', 1);
  if (limit > MAX_CONSENT_PAGE) {
    throw new DdiError(ErrorCode.Malformed, `limit is at most ${MAX_CONSENT_PAGE}`, {
      field: 'limit',
    });
  }
  const count = consentCount(ledger.state, side, did);
  const end =
    query.cursor === undefined ? count : Math.min(integerInput(query.cursor, 'cursor'), count);
  const start = Math.max(0, end - limit);
  const grants: ConsentGrant[] = [];
  for (let i = end - 1; i >= start; i--) {
    const id = consentIdAt(ledger.state, side, did, i)!;
    grants.push(readConsentGrant(ledger.state, id)!);
  }
  return { grants, ...(start > 0 ? { nextCursor: start } : {}) };
}

/** "May the grantee use the grantor's data of this category (for this purpose) now / at `at`?" */
export function consentDecision(
  ledger: Ledger,
  query: ConsentCheckQuery,
  state: StateReader = ledger.state,
): ConsentDecision {
  const grantor = didInput(query.grantor, 'grantor');
  const grantee = didInput(query.grantee, 'grantee');
  const scope = scopeInput(query.scope);
  const purpose = query.purpose === undefined ? undefined : purposeField(query.purpose);
  const grantId = query.grantId === undefined ? undefined : grantIdInput(query.grantId);
  // Without `at` the question is about now: an ended grant is refused whatever the clocks say.
  const current = query.at === undefined;
  const at = current ? Date.now() : timeInput(query.at, 'at');
  const answer = checkConsent(state, {
    grantor,
    grantee,
    scope,
    at,
    current,
    ...(purpose === undefined ? {} : { purpose }),
    ...(grantId === undefined ? {} : { grantId }),
  });
  return {
    allowed: answer.allowed,
    ...(answer.allowed ? {} : { reason: answer.reason }),
    ...(answer.grant ? { grant: answer.grant } : {}),
    at: new Date(at).toISOString(),
  };
}

/** A data holder's latest audit anchor of a log, or the one at `sequence`; `notFound` if none. */
export function auditAnchorOf(
  ledger: Ledger,
  holderInput: unknown,
  logIdInput: unknown,
  sequenceInput?: unknown,
): AuditAnchor {
  const holder = didInput(holderInput, 'holder');
  if (!isAuditLogId(logIdInput)) {
    throw new DdiError(ErrorCode.Malformed, 'logId must be 1-64 base64url characters', {
      field: 'logId',
    });
  }
  const sequence =
    sequenceInput === undefined ? undefined : integerInput(sequenceInput, 'sequence', 1);
  const anchor =
    sequence === undefined
      ? readLatestAuditAnchor(ledger.state, holder, logIdInput)
      : readAuditAnchorAt(ledger.state, holder, logIdInput, sequence);
  if (!anchor) {
    throw new DdiError(
      ErrorCode.NotFound,
      `no anchor of log ${logIdInput} of ${holder}${sequence === undefined ? '' : ` at ${sequence}`}`,
    );
  }
  return anchor;
}
