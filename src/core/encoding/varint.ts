import { DdiError, ErrorCode } from '../errors.ts';

/** Encodes a non-negative safe integer as an unsigned LEB128 varint (multiformats style). */
export function varintEncode(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DdiError(ErrorCode.Malformed, 'varint value must be a non-negative safe integer');
  }
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

/**
 * Decodes an unsigned varint at the start of `bytes`; returns the value and its length.
 * Rejects non-minimal encodings (trailing 0x00 groups) so a code has one byte form, as the
 * unsigned-varint spec requires, and caps the length at 9 bytes.
 */
export function varintDecode(bytes: Uint8Array): { value: number; length: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < bytes.length && i < 9; i++) {
    const byte = bytes[i] as number;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) break;
      if (!Number.isSafeInteger(value)) break;
      return { value, length: i + 1 };
    }
    scale *= 0x80;
  }
  throw new DdiError(ErrorCode.Malformed, 'invalid or non-minimal varint', { reason: 'varint' });
}
