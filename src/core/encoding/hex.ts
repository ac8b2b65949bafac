import { DdiError, ErrorCode } from '../errors.ts';

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Encodes bytes as lowercase hex. */
export function hexEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Decodes hex (either case, even length, nothing else); throws DdiError `malformed`. */
export function hexDecode(text: string): Uint8Array {
  if (typeof text !== 'string' || !HEX.test(text)) {
    throw new DdiError(ErrorCode.Malformed, 'not an even-length hex string', { reason: 'hex' });
  }
  const buf = Buffer.from(text, 'hex');
  // Copy out of Buffer's shared pool so callers own a standalone array.
  return new Uint8Array(buf);
}

/** Namespace form, for call sites that read better as `hex.encode(...)`. */
export const hex = { encode: hexEncode, decode: hexDecode } as const;
