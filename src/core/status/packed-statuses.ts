import { DdiError, ErrorCode, ensure } from '../errors.ts';

/** Bits per status in an IETF Token Status List. */
export type StatusBits = 1 | 2 | 4 | 8;

/** Status values the Token Status List registers; 0x03 and 0x0C-0x0F are application-specific. */
export const TokenStatus = {
  Valid: 0,
  Invalid: 1,
  Suspended: 2,
  ApplicationSpecific: 3,
} as const;

/** True if `bits` is a Token Status List width. */
export function isStatusBits(bits: unknown): bits is StatusBits {
  return bits === 1 || bits === 2 || bits === 4 || bits === 8;
}

function checkBits(bits: unknown): asserts bits is StatusBits {
  ensure(isStatusBits(bits), ErrorCode.Malformed, 'bits must be 1, 2, 4 or 8', { reason: 'bits' });
}

/** Bytes needed to pack `count` statuses of `bits` each. */
export function packedLength(count: number, bits: StatusBits): number {
  return Math.ceil((count * bits) / 8);
}

/**
 * The status at `index` of a packed array in Token Status List order: index 0 sits in the
 * least significant bits of byte 0 (the opposite of the W3C Bitstring Status List).
 */
export function readPackedStatus(packed: Uint8Array, bits: StatusBits, index: number): number {
  const perByte = 8 / bits;
  const byte = packed[Math.floor(index / perByte)];
  if (!Number.isSafeInteger(index) || index < 0 || byte === undefined) {
    throw new DdiError(ErrorCode.Malformed, `status index ${index} is outside the list`, {
      reason: 'RANGE_ERROR',
      index,
    });
  }
  return (byte >> ((index % perByte) * bits)) & ((1 << bits) - 1);
}

/** Writes one status in Token Status List order (in place). */
export function writePackedStatus(
  packed: Uint8Array,
  bits: StatusBits,
  index: number,
  status: number,
): void {
  const perByte = 8 / bits;
  const at = Math.floor(index / perByte);
  const byte = packed[at];
  if (!Number.isSafeInteger(index) || index < 0 || byte === undefined) {
    throw new DdiError(ErrorCode.Malformed, `status index ${index} is outside the list`, {
      reason: 'RANGE_ERROR',
      index,
    });
  }
  const mask = (1 << bits) - 1;
  ensure(
    Number.isInteger(status) && status >= 0 && status <= mask,
    ErrorCode.Malformed,
    `status ${status} does not fit in ${bits} bits`,
    { reason: 'status', index },
  );
  const shift = (index % perByte) * bits;
  packed[at] = (byte & ~(mask << shift)) | (status << shift);
}

/** Packs one status per entry into Token Status List order. */
export function packTokenStatuses(
  statuses: Uint8Array | readonly number[],
  bits: StatusBits,
): Uint8Array {
  checkBits(bits);
  const packed = new Uint8Array(packedLength(statuses.length, bits));
  for (let i = 0; i < statuses.length; i++) {
    const status = statuses[i]!;
    if (status !== 0) writePackedStatus(packed, bits, i, status);
  }
  return packed;
}

/** Unpacks a Token Status List byte array into one status per entry. */
export function unpackTokenStatuses(packed: Uint8Array, bits: StatusBits): Uint8Array {
  checkBits(bits);
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(packed.length * perByte);
  for (let i = 0; i < packed.length; i++) {
    const byte = packed[i]!;
    if (byte === 0) continue;
    for (let j = 0; j < perByte; j++) out[i * perByte + j] = (byte >> (j * bits)) & mask;
  }
  return out;
}
