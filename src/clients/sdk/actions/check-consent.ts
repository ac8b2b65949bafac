import { DdiError, ErrorCode } from '../../../core/errors.ts';
import type { ConsentDecision } from '../../../services/registry-queries/consent-query.ts';
import type { Transport } from '../transport.ts';

export interface CheckConsentQuery {
  /** Whose data. */
  grantor: string;
  /** Who wants it. */
  grantee: string;
  /** One data category. */
  scope: string;
  /** Only a grant for exactly this purpose answers. */
  purpose?: string;
  /** Only this grant answers. */
  grantId?: string;
  /** The time of the access: a Date, ms since the epoch, or ISO 8601 (default: now). */
  at?: Date | number | string;
}

/**
 * "May `grantee` use `grantor`'s data of `scope` (for `purpose`) at `at`?", answered by the
 * node from the grants on the ledger: allowed, or the reason (noGrant, revoked, expired, …).
 */
export function checkConsent(
  transport: Transport,
  query: CheckConsentQuery,
): Promise<ConsentDecision> {
  const { at, ...rest } = query;
  let iso: string | undefined;
  if (typeof at === 'string' || at === undefined) {
    iso = at;
  } else {
    const time = at instanceof Date ? at.getTime() : at;
    if (!Number.isFinite(time)) throw new DdiError(ErrorCode.Malformed, 'at is not a time');
    iso = new Date(time).toISOString();
  }
  return transport.checkConsent({ ...rest, ...(iso === undefined ? {} : { at: iso }) });
}
