import { DdiError, ErrorCode } from '../../../core/errors.ts';
import type { Role } from '../../../ledger/registries/trust-registry.ts';
import type { TrustCheckAnswer } from '../../../services/registry-queries/trust-queries.ts';
import type { Transport } from '../transport.ts';

export interface CheckAccreditationQuery {
  subject: string;
  role: Role;
  credentialType?: string;
  template?: string;
  /** The time asked about: a Date, ms since the epoch, or ISO 8601 (default: now). */
  at?: Date | number | string;
  /** Or: the time of this block. */
  height?: number;
}

/**
 * "Was `subject` accredited as `role` (for this credential type or template) at `at`?",
 * answered by the node from the ledger with the chain of accreditations to the regulator.
 */
export function checkAccreditation(
  transport: Transport,
  query: CheckAccreditationQuery,
): Promise<TrustCheckAnswer> {
  const { at, ...rest } = query;
  let iso: string | undefined;
  if (typeof at === 'string' || at === undefined) {
    iso = at;
  } else {
    const time = at instanceof Date ? at.getTime() : at;
    if (!Number.isFinite(time)) throw new DdiError(ErrorCode.Malformed, 'at is not a time');
    iso = new Date(time).toISOString();
  }
  return transport.checkAccreditation({ ...rest, ...(iso === undefined ? {} : { at: iso }) });
}
