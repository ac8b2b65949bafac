// Minimal DER wrappers so raw key bytes can be handed to Node's crypto, which only imports
// keys as DER/PEM/JWK. Fixed-size structures: every length below fits in one byte.

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  if (body.length > 127) throw new RangeError('DER body too long for short-form length');
  return Buffer.concat([Uint8Array.of(tag, body.length), body]);
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ID_EC_PUBLIC_KEY = Buffer.from('06072a8648ce3d0201', 'hex');

/** Object identifiers (DER-encoded, with tag) of the named curves ddi imports into Node. */
export const CURVE_OID = {
  p256: Buffer.from('06082a8648ce3d030107', 'hex'),
  secp256k1: Buffer.from('06052b8104000a', 'hex'),
} as const;

/** PKCS#8 PrivateKeyInfo for a 32-byte Ed25519 seed (RFC 8410). */
export function ed25519Pkcs8(seed: Uint8Array): Buffer {
  return Buffer.concat([ED25519_PKCS8_PREFIX, seed]);
}

/** SubjectPublicKeyInfo for an EC point (compressed or not) on a named curve (RFC 5480). */
export function ecSpki(curveOid: Uint8Array, point: Uint8Array): Buffer {
  const algorithm = tlv(0x30, ID_EC_PUBLIC_KEY, curveOid);
  const bitString = tlv(0x03, Uint8Array.of(0), point);
  return Buffer.from(tlv(0x30, algorithm, bitString));
}

/** SEC1 ECPrivateKey without the optional public key; OpenSSL derives it on import. */
export function ecSec1PrivateKey(curveOid: Uint8Array, scalar: Uint8Array): Buffer {
  return Buffer.from(
    tlv(0x30, Uint8Array.of(0x02, 0x01, 0x01), tlv(0x04, scalar), tlv(0xa0, curveOid)),
  );
}
