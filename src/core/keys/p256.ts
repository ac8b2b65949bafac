import { p256 as nobleP256 } from '@noble/curves/nist.js';
import type { KeyType } from './key-type.ts';
import { CURVE_OID } from './lib/der.ts';
import { nodeEcdsaKeyType } from './lib/node-ecdsa.ts';

/** NIST P-256 ECDSA with SHA-256; JOSE `ES256`, JWK EC/P-256. */
export const p256: KeyType = nodeEcdsaKeyType({
  name: 'p256',
  jwsAlgorithm: 'ES256',
  jwkCurve: 'P-256',
  nodeCurve: 'prime256v1',
  oid: CURVE_OID.p256,
  multicodecPublic: 0x1200,
  multicodecPrivate: 0x1306,
  point: nobleP256.Point,
});
