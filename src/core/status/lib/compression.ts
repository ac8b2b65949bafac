// The one seam between core/status and the platform: everything else in core/status is plain
// TypeScript over Uint8Array. A browser build replaces this file (e.g. with fflate, which is
// synchronous like node:zlib; CompressionStream would force an async API on every caller).
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { DdiError, ErrorCode } from '../../errors.ts';

/** DEFLATE with a zlib header (RFC 1950), as the Token Status List requires; level 9 as its reference generator uses. */
export function zlibDeflate(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(deflateSync(bytes, { level: 9 }));
}

/** Inverse of `zlibDeflate`; refuses output beyond `maxBytes` so a small list cannot inflate into a memory bomb. */
export function zlibInflate(bytes: Uint8Array, maxBytes: number): Uint8Array {
  return guarded(() => inflateSync(bytes, { maxOutputLength: maxBytes }), 'zlib', maxBytes);
}

/** GZIP (RFC 1952) at zlib's default level, which reproduces the W3C spec example byte for byte. */
export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}

/** Inverse of `gzip`, bounded by `maxBytes` like `zlibInflate`. */
export function gunzip(bytes: Uint8Array, maxBytes: number): Uint8Array {
  return guarded(() => gunzipSync(bytes, { maxOutputLength: maxBytes }), 'gzip', maxBytes);
}

function guarded(run: () => Buffer, format: string, maxBytes: number): Uint8Array {
  try {
    return new Uint8Array(run());
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new DdiError(
      tooLarge ? ErrorCode.TooLarge : ErrorCode.Malformed,
      tooLarge
        ? `status list inflates beyond ${maxBytes} bytes`
        : `status list is not valid ${format} data`,
      { reason: format },
    );
  }
}
