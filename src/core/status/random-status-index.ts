import { DdiError, ErrorCode, ensure } from '../errors.ts';

/** The largest list `randomStatusIndex` draws from: indexes come from 32-bit random words. */
const MAX_LIST_SIZE = 2 ** 32;

/** A uniform random integer in [0, n) from the platform's CSPRNG (rejection sampling: no modulo bias). */
function uniformBelow(n: number): number {
  const word = new Uint32Array(1);
  // Largest multiple of n that fits in 2^32: words at or above it would bias the remainder.
  const limit = MAX_LIST_SIZE - (MAX_LIST_SIZE % n);
  for (;;) {
    globalThis.crypto.getRandomValues(word);
    if (word[0]! < limit) return word[0]! % n;
  }
}

/**
 * Picks a free index uniformly at random from a list of `listSize` entries, retrying where
 * `isTaken` says the index is in use. Random rather than sequential, so an index tells nobody
 * in what order, or how many, credentials were issued. Gives up with `conflict` after
 * `maxAttempts` draws: an issuer should start a new list well before one fills up.
 */
export function randomStatusIndex(
  listSize: number,
  isTaken: (index: number) => boolean,
  maxAttempts = 1000,
): number {
  ensure(
    Number.isSafeInteger(listSize) && listSize > 0 && listSize <= MAX_LIST_SIZE,
    ErrorCode.Malformed,
    `listSize must be an integer from 1 to ${MAX_LIST_SIZE}`,
  );
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const index = uniformBelow(listSize);
    if (!isTaken(index)) return index;
  }
  throw new DdiError(
    ErrorCode.Conflict,
    `no free status index found in ${maxAttempts} random draws; the list is (nearly) full`,
    { listSize },
  );
}
