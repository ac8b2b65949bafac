import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ed25519 as nobleEd25519 } from '@noble/curves/ed25519.js';
import { base64urlEncode } from '../encoding/base64url.ts';
import { DdiError, ErrorCode } from '../errors.ts';
import type { Jwk, KeyType } from './key-type.ts';
import { ed25519Pkcs8 } from './lib/der.ts';
import { checkJwkHeader, jwkBytes } from './lib/ec-jwk.ts';
import { bytesKey, LruCache } from '../cache/lru-cache.ts';
import { PrivateKeyCache } from './lib/private-key-cache.ts';

// Node (OpenSSL) verifies ~16k/s with a cached KeyObject and ~15k/s when it imports the key
// from JWK each time (~7.8k/s from SPKI DER), measured here; hence JWK import and the caches.
const publicKeys = new LruCache<string, KeyObject>(1024);
const privateKeys = new PrivateKeyCache<KeyObject>();

function malformed(message: string): DdiError {
  return new DdiError(ErrorCode.Malformed, `ed25519: ${message}`, { keyType: 'ed25519' });
}

function checkSeed(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw malformed('private key must be a 32-byte seed');
  }
}

function privateKeyObject(seed: Uint8Array): KeyObject {
  return privateKeys.get(seed, (s) => {
    checkSeed(s);
    return createPrivateKey({ key: ed25519Pkcs8(s), format: 'der', type: 'pkcs8' });
  });
}

function publicFromPrivate(seed: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' });
  return Uint8Array.from(spki.subarray(spki.length - 32));
}

function normalizePublicKey(publicKey: Uint8Array): Uint8Array {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
    throw malformed('public key must be 32 bytes');
  }
  try {
    // Strict RFC 8032 decoding: rejects non-canonical y and x that is not a square root.
    nobleEd25519.Point.fromBytes(publicKey);
  } catch {
    throw malformed('public key is not a valid Edwards point');
  }
  return Uint8Array.from(publicKey);
}

/** Ed25519 (RFC 8032) through Node's crypto; JOSE `EdDSA`, JWK OKP/Ed25519 (RFC 8037). */
export const ed25519: KeyType = {
  name: 'ed25519',
  jwsAlgorithm: 'EdDSA',
  jwkCurve: 'Ed25519',
  multicodecPublic: 0xed,
  multicodecPrivate: 0x1300,

  generate() {
    // Both halves from one call: 3.7x faster than re-deriving the public key (9.2k vs 2.5k/s here).
    const { privateKey: pkcs8, publicKey: spki } = generateKeyPairSync('ed25519', {
      privateKeyEncoding: { format: 'der', type: 'pkcs8' },
      publicKeyEncoding: { format: 'der', type: 'spki' },
    });
    return {
      type: 'ed25519',
      privateKey: Uint8Array.from(pkcs8.subarray(pkcs8.length - 32)),
      publicKey: Uint8Array.from(spki.subarray(spki.length - 32)),
    };
  },

  publicFromPrivate,
  normalizePublicKey,

  sign(privateKey, message) {
    const signature = sign(null, message, privateKeyObject(privateKey));
    return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
  },

  verify(publicKey, message, signature) {
    try {
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      const cacheKey = bytesKey(publicKey);
      let key = publicKeys.get(cacheKey);
      if (key === undefined) {
        // JWK import is ~12x cheaper than SPKI DER in Node 20 (5 vs 63 µs measured here);
        // verification still rejects a key that is not a valid point.
        key = createPublicKey({
          key: { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(publicKey) },
          format: 'jwk',
        });
        publicKeys.set(cacheKey, key);
      }
      return verify(null, message, key, signature);
    } catch {
      return false;
    }
  },

  publicToJwk: (publicKey) => ({
    kty: 'OKP',
    crv: 'Ed25519',
    x: base64urlEncode(normalizePublicKey(publicKey)),
  }),

  privateToJwk: (privateKey) => ({
    kty: 'OKP',
    crv: 'Ed25519',
    x: base64urlEncode(publicFromPrivate(privateKey)),
    d: base64urlEncode(privateKey),
  }),

  publicFromJwk(jwk: Jwk) {
    checkJwkHeader('ed25519', jwk, 'OKP', 'Ed25519');
    return normalizePublicKey(jwkBytes('ed25519', jwk, 'x', 32));
  },

  privateFromJwk(jwk: Jwk) {
    checkJwkHeader('ed25519', jwk, 'OKP', 'Ed25519');
    const seed = jwkBytes('ed25519', jwk, 'd', 32);
    if (jwk.x !== undefined) {
      const claimed = jwkBytes('ed25519', jwk, 'x', 32);
      if (bytesKey(claimed) !== bytesKey(publicFromPrivate(seed))) {
        throw malformed('JWK x does not match d');
      }
    }
    return seed;
  },
};
