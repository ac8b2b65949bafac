import { secp256k1 as nobleSecp256k1 } from '@noble/curves/secp256k1.js';
import type { KeyType } from './key-type.ts';
import { CURVE_OID } from './lib/der.ts';
import { nodeEcdsaKeyType } from './lib/node-ecdsa.ts';

/**
 * secp256k1 ECDSA with SHA-256; JOSE `ES256K` (RFC 8812), JWK EC/secp256k1. Signatures are
 * not normalized to low-S (JOSE does not require it) and high-S ones verify.
 */
export const secp256k1: KeyType = nodeEcdsaKeyType({
  name: 'secp256k1',
  jwsAlgorithm: 'ES256K',
  jwkCurve: 'secp256k1',
  nodeCurve: 'secp256k1',
  oid: CURVE_OID.secp256k1,
  multicodecPublic: 0xe7,
  multicodecPrivate: 0x1301,
  point: nobleSecp256k1.Point,
});
