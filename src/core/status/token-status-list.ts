import { base64urlDecode, base64urlEncode } from '../encoding/base64url.ts';
import { DdiError, ErrorCode, ensure } from '../errors.ts';
import { zlibDeflate, zlibInflate } from './lib/compression.ts';
import { isStatusBits, packTokenStatuses, readPackedStatus } from './packed-statuses.ts';
import type { StatusBits } from './packed-statuses.ts';

/** The `status_list` claim of a Status List Token (draft-ietf-oauth-status-list, JSON encoding). */
export interface TokenStatusList {
  bits: StatusBits;
  /** base64url (unpadded) of the DEFLATE/zlib-compressed packed statuses. */
  lst: string;
}

/** A decoded Token Status List: random access to each entry's status. */
export interface TokenStatusListReader {
  bits: StatusBits;
  /** Number of entries the byte array holds (bytes × 8 / bits). */
  size: number;
  /** The decompressed byte array, in Token Status List order. */
  packed: Uint8Array;
  /** The status at `index`; throws DdiError `malformed` (reason RANGE_ERROR) outside the list. */
  statusAt(index: number): number;
}

/** 16 MiB: 128 Mi one-bit entries, far above any list ddi serves, and still safe to hold. */
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** Encodes one status per entry as a Token Status List `{bits, lst}`. */
export function encodeTokenStatusList(
  statuses: Uint8Array | readonly number[],
  bits: StatusBits,
): TokenStatusList {
  return encodeTokenStatusListBytes(packTokenStatuses(statuses, bits), bits);
}

/** Encodes an already packed byte array (Token Status List order, e.g. the ledger's pages). */
export function encodeTokenStatusListBytes(packed: Uint8Array, bits: StatusBits): TokenStatusList {
  ensure(isStatusBits(bits), ErrorCode.Malformed, 'bits must be 1, 2, 4 or 8', { reason: 'bits' });
  return { bits, lst: base64urlEncode(zlibDeflate(packed)) };
}

/** Decodes a `status_list` claim; `maxBytes` bounds the decompressed size. */
export function decodeTokenStatusList(
  list: { bits: unknown; lst: unknown },
  options: { maxBytes?: number } = {},
): TokenStatusListReader {
  const { bits, lst } = list;
  ensure(isStatusBits(bits), ErrorCode.Malformed, 'status_list.bits must be 1, 2, 4 or 8', {
    reason: 'bits',
  });
  if (typeof lst !== 'string' || lst.length === 0) {
    throw new DdiError(ErrorCode.Malformed, 'status_list.lst must be a base64url string', {
      reason: 'lst',
    });
  }
  const packed = zlibInflate(base64urlDecode(lst), options.maxBytes ?? DEFAULT_MAX_BYTES);
  return {
    bits,
    size: (packed.length * 8) / bits,
    packed,
    statusAt: (index) => readPackedStatus(packed, bits, index),
  };
}
