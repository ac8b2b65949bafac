import { UsageError } from './usage-error.ts';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Milliseconds of an ISO 8601 date or date-time; a usage error otherwise. */
export function parseIsoTime(value: string, option: string): number {
  const time = Date.parse(value);
  if (!ISO_TIME.test(value) || Number.isNaN(time)) {
    throw new UsageError(`${option} must be an ISO 8601 time, e.g. 2027-01-01T00:00:00Z`);
  }
  return time;
}

/**
 * A point in time from an ISO 8601 time or a duration from now ("365d", "12h", "2w"):
 * how people write validity periods.
 */
export function parseTimeOrDuration(value: string, option: string, now = Date.now()): number {
  const duration = /^([0-9]{1,6})([smhdw])$/.exec(value);
  if (duration) return now + Number(duration[1]) * UNIT_MS[duration[2]!]!;
  try {
    return parseIsoTime(value, option);
  } catch {
    throw new UsageError(
      `${option} must be an ISO 8601 time (2027-01-01T00:00:00Z) or a duration from now (365d, 12h, 2w)`,
    );
  }
}
