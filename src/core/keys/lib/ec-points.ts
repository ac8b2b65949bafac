import type { WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { DdiError, ErrorCode } from '../../errors.ts';
import type { KeyTypeName } from '../key-type.ts';

type Point = WeierstrassPointCons<bigint>;

function malformed(type: KeyTypeName, message: string): DdiError {
  return new DdiError(ErrorCode.Malformed, `${type}: ${message}`, { keyType: type });
}

/**
 * Parses a SEC1 point (33-byte compressed or 65-byte uncompressed) and checks that it is on
 * the curve; noble rejects the point at infinity, which has no SEC1 form here.
 */
export function parseEcPoint(curve: Point, type: KeyTypeName, bytes: Uint8Array) {
  if (!(bytes instanceof Uint8Array)) throw malformed(type, 'public key must be bytes');
  const ok =
    (bytes.length === 33 && (bytes[0] === 2 || bytes[0] === 3)) ||
    (bytes.length === 65 && bytes[0] === 4);
  if (!ok) throw malformed(type, 'public key must be a 33- or 65-byte SEC1 point');
  try {
    return curve.fromBytes(bytes);
  } catch {
    throw malformed(type, 'public key is not a point on the curve');
  }
}

/** SEC1 compressed form (the canonical form ddi stores and puts in Multikeys). */
export function compressEcPoint(curve: Point, type: KeyTypeName, bytes: Uint8Array): Uint8Array {
  if (bytes.length === 33) {
    parseEcPoint(curve, type, bytes);
    return Uint8Array.from(bytes);
  }
  return parseEcPoint(curve, type, bytes).toBytes(true);
}

/** SEC1 uncompressed form (0x04 || x || y), which JWK and Z_A need. */
export function decompressEcPoint(curve: Point, type: KeyTypeName, bytes: Uint8Array): Uint8Array {
  return parseEcPoint(curve, type, bytes).toBytes(false);
}

/** Checks a 32-byte big-endian private scalar is in [1, max]; returns it as a bigint. */
export function checkScalar(type: KeyTypeName, bytes: Uint8Array, max: bigint): bigint {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw malformed(type, 'private key must be 32 bytes');
  }
  const d = bytesToNumberBE(bytes);
  if (d < 1n || d > max) throw malformed(type, 'private key is out of range');
  return d;
}
