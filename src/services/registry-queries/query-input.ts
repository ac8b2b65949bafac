import { parseDdiDid } from '../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../core/errors.ts';

/**
 * Checks for the inputs of registry queries. Each failure is `malformed` naming the field,
 * whether the value came from a query string or from an in-process call, so both transports
 * refuse the same input with the same code.
 */

/** A did:ddi DID given as a query input. */
export function didInput(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new DdiError(ErrorCode.Malformed, `${field} is required (a did:ddi DID)`, { field });
  }
  try {
    return parseDdiDid(value);
  } catch (err) {
    const reason = err instanceof DdiError ? err.message : String(err);
    throw new DdiError(ErrorCode.Malformed, `${field} is not a did:ddi DID: ${reason}`, { field });
  }
}

/** A non-negative integer (block height, template version ≥ `min`). */
export function integerInput(value: unknown, field: string, min = 0): number {
  const n = typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
    throw new DdiError(ErrorCode.Malformed, `${field} must be an integer ≥ ${min}`, { field });
  }
  return n;
}

/** An ISO 8601 date or date-time ("2026-01-01", "2026-01-01T08:00:00+08:00"), as ms. */
export function timeInput(value: unknown, field: string): number {
  const time = typeof value === 'string' ? Date.parse(value) : NaN;
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) ||
    Number.isNaN(time)
  ) {
    throw new DdiError(
      ErrorCode.Malformed,
      `${field} must be an ISO 8601 time, e.g. 2026-01-01T00:00:00Z`,
      { field },
    );
  }
  return time;
}

/** An optional name matched against accreditation scopes (credential type or template id). */
export function nameInput(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  // The ledger's pattern for scope entries: anything else can never match a scope.
  if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9._:-]{0,99}$/.test(value)) {
    throw new DdiError(ErrorCode.Malformed, `${field} must be a credential type or template id`, {
      field,
    });
  }
  return value;
}
