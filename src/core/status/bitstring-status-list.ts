import { multibaseDecode } from '../encoding/multibase.ts';
import { base64urlEncode } from '../encoding/base64url.ts';
import { DdiError, ErrorCode, ensure } from '../errors.ts';
import { gunzip, gzip } from './lib/compression.ts';

/** The purposes ddi publishes Bitstring Status Lists for. */
export type BitstringStatusPurpose = 'revocation' | 'suspension';

/** The spec's default minimum: 131,072 entries, so one list hides each holder among many. */
export const BITSTRING_MIN_ENTRIES = 131_072;

/** Largest `statusSize` accepted: statuses are read into a JavaScript number, 8 bits is plenty. */
const MAX_STATUS_SIZE = 8;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** A decoded Bitstring Status List: random access to each entry. */
export interface BitstringReader {
  statusSize: number;
  /** Number of entries: the bitstring's length divided by statusSize. */
  size: number;
  /** The uncompressed bitstring (index 0 = most significant bit of byte 0). */
  bitstring: Uint8Array;
  /** The entry at `index`; throws DdiError `malformed` (reason RANGE_ERROR) outside the list. */
  statusAt(index: number): number;
}

function checkStatusSize(statusSize: unknown): asserts statusSize is number {
  ensure(
    Number.isInteger(statusSize) &&
      (statusSize as number) >= 1 &&
      (statusSize as number) <= MAX_STATUS_SIZE,
    ErrorCode.Malformed,
    `statusSize must be an integer from 1 to ${MAX_STATUS_SIZE}`,
    { reason: 'statusSize' },
  );
}

/**
 * Packs one value per entry into a W3C bitstring: `statusSize` bits per entry, index 0 in the
 * MOST significant bit of byte 0 (the opposite of the IETF Token Status List).
 */
export function packBitstring(
  statuses: Uint8Array | readonly number[],
  statusSize = 1,
  minimumEntries = BITSTRING_MIN_ENTRIES,
): Uint8Array {
  checkStatusSize(statusSize);
  const entries = Math.max(statuses.length, minimumEntries);
  const out = new Uint8Array(Math.ceil((entries * statusSize) / 8));
  const max = (1 << statusSize) - 1;
  for (let i = 0; i < statuses.length; i++) {
    const value = statuses[i]!;
    if (value === 0) continue;
    ensure(
      Number.isInteger(value) && value >= 0 && value <= max,
      ErrorCode.Malformed,
      `status ${value} at index ${i} does not fit in ${statusSize} bits`,
      { reason: 'status', index: i },
    );
    // Entry bits run from the most significant down, so write them one at a time.
    for (let b = 0; b < statusSize; b++) {
      if (((value >> (statusSize - 1 - b)) & 1) === 0) continue;
      const bit = i * statusSize + b;
      out[bit >> 3]! |= 0x80 >> (bit & 7);
    }
  }
  return out;
}

/**
 * Encodes one value per entry as a Bitstring Status List `encodedList`: GZIP, then multibase
 * base64url ('u'). Shorter lists are padded with zeros to `minimumEntries`.
 */
export function encodeBitstring(
  statuses: Uint8Array | readonly number[],
  options: { statusSize?: number; minimumEntries?: number } = {},
): string {
  const bitstring = packBitstring(statuses, options.statusSize, options.minimumEntries);
  return `u${base64urlEncode(gzip(bitstring))}`;
}

/**
 * Decodes an `encodedList`. A list with fewer than `minimumEntries` entries is refused with
 * reason STATUS_LIST_LENGTH_ERROR, as the spec's validation algorithm requires.
 */
export function decodeBitstring(
  encodedList: unknown,
  options: { statusSize?: number; minimumEntries?: number; maxBytes?: number } = {},
): BitstringReader {
  const statusSize = options.statusSize ?? 1;
  checkStatusSize(statusSize);
  ensure(
    typeof encodedList === 'string' && encodedList.startsWith('u'),
    ErrorCode.Malformed,
    'encodedList must be multibase base64url (prefix u)',
    { reason: 'encodedList' },
  );
  const bitstring = gunzip(multibaseDecode(encodedList), options.maxBytes ?? DEFAULT_MAX_BYTES);
  const size = Math.floor((bitstring.length * 8) / statusSize);
  const minimum = options.minimumEntries ?? BITSTRING_MIN_ENTRIES;
  ensure(
    size >= minimum,
    ErrorCode.Malformed,
    `the status list has ${size} entries, fewer than the minimum ${minimum}`,
    { reason: 'STATUS_LIST_LENGTH_ERROR', size, minimum },
  );
  return {
    statusSize,
    size,
    bitstring,
    statusAt(index) {
      if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
        throw new DdiError(ErrorCode.Malformed, `status index ${index} is outside the list`, {
          reason: 'RANGE_ERROR',
          index,
        });
      }
      let value = 0;
      for (let b = 0; b < statusSize; b++) {
        const bit = index * statusSize + b;
        value = (value << 1) | ((bitstring[bit >> 3]! >> (7 - (bit & 7))) & 1);
      }
      return value;
    },
  };
}

/**
 * The one-bit-per-entry view of Token Status List values for a W3C purpose: `revocation` is
 * set where the status is INVALID (1), `suspension` where it is SUSPENDED (2). This is how a
 * ledger list with bits 2 is published as two Bitstring Status List credentials.
 */
export function bitstringForPurpose(
  statuses: Uint8Array | readonly number[],
  purpose: BitstringStatusPurpose,
): Uint8Array {
  const wanted = purpose === 'revocation' ? 1 : 2;
  const out = new Uint8Array(statuses.length);
  for (let i = 0; i < statuses.length; i++) if (statuses[i] === wanted) out[i] = 1;
  return out;
}
