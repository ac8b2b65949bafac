import { DdiError, ErrorCode } from '../../../core/errors.ts';

/** Throws `malformed` unless `height` is a block height or "latest". */
export function checkBlockHeight(height: unknown): asserts height is number | 'latest' {
  if (height === 'latest') return;
  if (typeof height !== 'number' || !Number.isSafeInteger(height) || height < 0) {
    throw new DdiError(ErrorCode.Malformed, 'a block height is a non-negative integer or "latest"');
  }
}
