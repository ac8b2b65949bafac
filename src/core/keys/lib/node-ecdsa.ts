import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import { base64urlDecode, base64urlEncode } from '../../encoding/base64url.ts';
import { DdiError, ErrorCode } from '../../errors.ts';
import type { Jwk, KeyPair, KeyType, KeyTypeName } from '../key-type.ts';
import { ecSec1PrivateKey, ecSpki } from './der.ts';
import { checkJwkHeader, ecJwkFromPoint, ecPointFromJwk, jwkBytes } from './ec-jwk.ts';
import { checkScalar, compressEcPoint, decompressEcPoint } from './ec-points.ts';
import { bytesKey, LruCache } from '../../cache/lru-cache.ts';
import { PrivateKeyCache } from './private-key-cache.ts';

/** What distinguishes one ECDSA-with-SHA-256 curve from another. */
export interface NodeEcdsaCurve {
  name: KeyTypeName;
  jwsAlgorithm: string;
  jwkCurve: string;
  /** Curve name for crypto.generateKeyPairSync. */
  nodeCurve: string;
  /** DER-encoded named-curve OID. */
  oid: Uint8Array;
  multicodecPublic: number;
  multicodecPrivate: number;
  point: WeierstrassPointCons<bigint>;
}

const PUBLIC_KEY_CACHE_SIZE = 1024;

/**
 * ECDSA (SHA-256, P-1363 r || s signatures) through Node's crypto, which is OpenSSL: about 5x
 * faster than pure JS. noble only parses, validates and (de)compresses points, which Node
 * cannot do for raw keys.
 */
export function nodeEcdsaKeyType(curve: NodeEcdsaCurve): KeyType {
  const { name, point } = curve;
  const order = point.Fn.ORDER;
  const publicKeys = new LruCache<string, KeyObject>(PUBLIC_KEY_CACHE_SIZE);
  const privateKeys = new PrivateKeyCache<KeyObject>();

  const privateKeyObject = (privateKey: Uint8Array): KeyObject =>
    privateKeys.get(privateKey, (d) => {
      checkScalar(name, d, order - 1n);
      return createPrivateKey({ key: ecSec1PrivateKey(curve.oid, d), format: 'der', type: 'sec1' });
    });

  const publicFromPrivate = (privateKey: Uint8Array): Uint8Array => {
    const jwk = createPublicKey(privateKeyObject(privateKey)).export({ format: 'jwk' });
    const y = base64urlDecode(jwk.y ?? '');
    const compressed = new Uint8Array(33);
    compressed[0] = 2 + ((y[31] ?? 0) & 1);
    compressed.set(base64urlDecode(jwk.x ?? ''), 1);
    return compressed;
  };

  return {
    name,
    jwsAlgorithm: curve.jwsAlgorithm,
    jwkCurve: curve.jwkCurve,
    multicodecPublic: curve.multicodecPublic,
    multicodecPrivate: curve.multicodecPrivate,

    generate(): KeyPair {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: curve.nodeCurve });
      const jwk = privateKey.export({ format: 'jwk' });
      const d = base64urlDecode(jwk.d ?? '');
      return { type: name, privateKey: d, publicKey: publicFromPrivate(d) };
    },

    publicFromPrivate,

    normalizePublicKey: (publicKey) => compressEcPoint(point, name, publicKey),

    sign(privateKey, message) {
      const key = privateKeyObject(privateKey);
      const signature = sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' });
      return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
    },

    verify(publicKey, message, signature) {
      try {
        if (signature.length !== 64) return false;
        const cacheKey = bytesKey(publicKey);
        let key = publicKeys.get(cacheKey);
        if (key === undefined) {
          const ok =
            (publicKey.length === 33 && (publicKey[0] === 2 || publicKey[0] === 3)) ||
            (publicKey.length === 65 && publicKey[0] === 4);
          if (!ok) return false;
          // OpenSSL checks the point is on the curve while importing the SPKI.
          key = createPublicKey({ key: ecSpki(curve.oid, publicKey), format: 'der', type: 'spki' });
          publicKeys.set(cacheKey, key);
        }
        return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
      } catch {
        return false;
      }
    },

    publicToJwk: (publicKey) =>
      ecJwkFromPoint(curve.jwkCurve, decompressEcPoint(point, name, publicKey)),

    privateToJwk(privateKey) {
      const jwk = ecJwkFromPoint(
        curve.jwkCurve,
        decompressEcPoint(point, name, publicFromPrivate(privateKey)),
      );
      return { ...jwk, d: base64urlEncode(privateKey) };
    },

    publicFromJwk: (jwk: Jwk) =>
      compressEcPoint(point, name, ecPointFromJwk(name, jwk, curve.jwkCurve)),

    privateFromJwk(jwk: Jwk) {
      checkJwkHeader(name, jwk, 'EC', curve.jwkCurve);
      const d = jwkBytes(name, jwk, 'd', 32);
      checkScalar(name, d, order - 1n);
      if (jwk.x !== undefined || jwk.y !== undefined) {
        const claimed = compressEcPoint(point, name, ecPointFromJwk(name, jwk, curve.jwkCurve));
        if (bytesKey(claimed) !== bytesKey(publicFromPrivate(d))) {
          throw new DdiError(ErrorCode.Malformed, `${name} JWK: x/y do not match d`, {
            keyType: name,
          });
        }
      }
      return d;
    },
  };
}
