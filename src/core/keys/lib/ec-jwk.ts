import { base64urlDecode, base64urlEncode } from '../../encoding/base64url.ts';
import { DdiError, ErrorCode } from '../../errors.ts';
import type { Jwk, KeyTypeName } from '../key-type.ts';

function malformed(type: KeyTypeName, message: string): DdiError {
  return new DdiError(ErrorCode.Malformed, `${type} JWK: ${message}`, { keyType: type });
}

/** Decodes a base64url JWK member that must be exactly `length` bytes. */
export function jwkBytes(type: KeyTypeName, jwk: Jwk, member: string, length: number): Uint8Array {
  const value = jwk[member];
  if (typeof value !== 'string') throw malformed(type, `"${member}" is missing`);
  let bytes: Uint8Array;
  try {
    bytes = base64urlDecode(value);
  } catch {
    throw malformed(type, `"${member}" is not base64url`);
  }
  if (bytes.length !== length) throw malformed(type, `"${member}" must be ${length} bytes`);
  return bytes;
}

/** Checks `kty` and `crv` name this key type. */
export function checkJwkHeader(type: KeyTypeName, jwk: Jwk, kty: string, crv: string): void {
  if (typeof jwk !== 'object' || jwk === null) throw malformed(type, 'not an object');
  if (jwk.kty !== kty || jwk.crv !== crv) {
    throw malformed(type, `expected kty "${kty}" and crv "${crv}"`);
  }
}

/** EC public JWK from an uncompressed SEC1 point. */
export function ecJwkFromPoint(crv: string, uncompressed: Uint8Array): Jwk {
  return {
    kty: 'EC',
    crv,
    x: base64urlEncode(uncompressed.subarray(1, 33)),
    y: base64urlEncode(uncompressed.subarray(33, 65)),
  };
}

/** Uncompressed SEC1 point (0x04 || x || y) from an EC JWK's x and y. */
export function ecPointFromJwk(type: KeyTypeName, jwk: Jwk, crv: string): Uint8Array {
  checkJwkHeader(type, jwk, 'EC', crv);
  const point = new Uint8Array(65);
  point[0] = 4;
  point.set(jwkBytes(type, jwk, 'x', 32), 1);
  point.set(jwkBytes(type, jwk, 'y', 32), 33);
  return point;
}
