import { DdiError, ErrorCode } from '../errors.ts';

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** Encodes bytes as unpadded base64url (RFC 4648 section 5), as JOSE uses it. */
export function base64urlEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes unpadded base64url strictly: no padding, no whitespace, no base64 '+' or '/', and no
 * non-zero trailing bits, so each byte string has exactly one accepted encoding (signatures and
 * digests over encoded values must not be malleable).
 */
export function base64urlDecode(text: string): Uint8Array {
  if (typeof text !== 'string' || !ALPHABET.test(text) || text.length % 4 === 1) {
    throw new DdiError(ErrorCode.Malformed, 'not unpadded base64url', { reason: 'base64url' });
  }
  const buf = Buffer.from(text, 'base64url');
  if (buf.toString('base64url') !== text) {
    throw new DdiError(ErrorCode.Malformed, 'non-canonical base64url (trailing bits set)', {
      reason: 'base64url',
    });
  }
  // Copy out of Buffer's shared pool so callers own a standalone array.
  return new Uint8Array(buf);
}

/** Namespace form, for call sites that read better as `base64url.encode(...)`. */
export const base64url = { encode: base64urlEncode, decode: base64urlDecode } as const;
