/** A mistake in how ddi was invoked (bad option value, missing change): exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'usage';
}
