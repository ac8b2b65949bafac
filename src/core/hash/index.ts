import { createHash } from 'node:crypto';

function digest(algorithm: string, bytes: Uint8Array): Uint8Array {
  const out = createHash(algorithm).update(bytes).digest();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** SHA-256 digest (32 bytes). */
export function sha256(bytes: Uint8Array): Uint8Array {
  return digest('sha256', bytes);
}

/** SM3 digest (GM/T 0004-2012, 32 bytes); Node's OpenSSL implements it correctly. */
export function sm3(bytes: Uint8Array): Uint8Array {
  return digest('sm3', bytes);
}
