import { describe, expect, it } from 'vitest';
import { base58btcEncode } from '../../src/core/encoding/multibase.ts';
import { varintEncode } from '../../src/core/encoding/varint.ts';
import { DdiError } from '../../src/core/errors.ts';
import {
  generateKeyPair,
  getKeyType,
  getKeyTypeByJwsAlgorithm,
  keyTypeOfJwk,
  keyTypes,
  privateKeyFromJwk,
  privateKeyFromMultibase,
  privateKeyToJwk,
  privateKeyToMultibase,
  publicKeyFromJwk,
  publicKeyFromMultibase,
  publicKeyFromPrivate,
  publicKeyToJwk,
  publicKeyToMultibase,
  sign,
  verify,
} from '../../src/core/keys/index.ts';
import type { Jwk, KeyTypeName } from '../../src/core/keys/index.ts';
import { LruCache } from '../../src/core/cache/lru-cache.ts';
import { flipped, utf8 } from './vectors.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof DdiError ? error.code : `not a DdiError: ${String(error)}`;
  }
  return undefined;
}

const multikey = (code: number, key: Uint8Array) =>
  `z${base58btcEncode(Uint8Array.from([...varintEncode(code), ...key]))}`;

const expected: Record<
  KeyTypeName,
  { alg: string; kty: string; crv: string; prefix: string; pubLen: number }
> = {
  ed25519: { alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519', prefix: 'z6Mk', pubLen: 32 },
  p256: { alg: 'ES256', kty: 'EC', crv: 'P-256', prefix: 'zDn', pubLen: 33 },
  secp256k1: { alg: 'ES256K', kty: 'EC', crv: 'secp256k1', prefix: 'zQ3s', pubLen: 33 },
  sm2: { alg: 'GmSM2', kty: 'EC', crv: 'SM2', prefix: 'zEPJ', pubLen: 33 },
};
const names = Object.keys(expected) as KeyTypeName[];

describe('key type registry', () => {
  it('has exactly the four key types, with their JOSE and multicodec identifiers', () => {
    expect(Object.keys(keyTypes).sort()).toEqual([...names].sort());
    expect(keyTypes.ed25519.multicodecPublic).toBe(0xed);
    expect(keyTypes.secp256k1.multicodecPublic).toBe(0xe7);
    expect(keyTypes.p256.multicodecPublic).toBe(0x1200);
    expect(keyTypes.sm2.multicodecPublic).toBe(0x1206);
    expect(keyTypes.ed25519.multicodecPrivate).toBe(0x1300);
    expect(keyTypes.secp256k1.multicodecPrivate).toBe(0x1301);
    expect(keyTypes.p256.multicodecPrivate).toBe(0x1306);
    expect(keyTypes.sm2.multicodecPrivate).toBe(0x1310);
    for (const name of names) {
      expect(getKeyType(name).name).toBe(name);
      expect(getKeyTypeByJwsAlgorithm(expected[name].alg).name).toBe(name);
      expect(keyTypes[name].jwkCurve).toBe(expected[name].crv);
    }
  });

  it('unknown names and algorithms are unsupportedKeyType', () => {
    expect(codeOf(() => getKeyType('rsa'))).toBe('unsupportedKeyType');
    expect(codeOf(() => getKeyType('toString'))).toBe('unsupportedKeyType');
    expect(codeOf(() => getKeyTypeByJwsAlgorithm('RS256'))).toBe('unsupportedKeyType');
    expect(codeOf(() => generateKeyPair('rsa' as KeyTypeName))).toBe('unsupportedKeyType');
  });
});

describe.each(names)('%s', (type) => {
  const pair = generateKeyPair(type);
  const message = utf8('ddi transaction bytes');

  it('generates a key pair of the canonical sizes', () => {
    expect(pair.type).toBe(type);
    expect(pair.privateKey).toHaveLength(32);
    expect(pair.publicKey).toHaveLength(expected[type].pubLen);
    expect(publicKeyFromPrivate(type, pair.privateKey)).toEqual(pair.publicKey);
    expect(generateKeyPair(type).privateKey).not.toEqual(pair.privateKey);
  });

  it('signs (64 bytes) and verifies', () => {
    const sig = sign(type, pair.privateKey, message);
    expect(sig).toHaveLength(64);
    expect(verify(type, pair.publicKey, message, sig)).toBe(true);
    expect(verify(type, Uint8Array.from(pair.publicKey), message, sig)).toBe(true);
    expect(
      verify(
        type,
        pair.publicKey,
        new Uint8Array(0),
        sign(type, pair.privateKey, new Uint8Array(0)),
      ),
    ).toBe(true);
  });

  it('rejects a tampered message, signature, or another key', () => {
    const sig = sign(type, pair.privateKey, message);
    expect(verify(type, pair.publicKey, flipped(message, 0), sig)).toBe(false);
    for (const i of [0, 31, 32, 63]) {
      expect(verify(type, pair.publicKey, message, flipped(sig, i, 0x80))).toBe(false);
    }
    expect(verify(type, generateKeyPair(type).publicKey, message, sig)).toBe(false);
  });

  it('verify returns false (never throws) for malformed signatures and keys', () => {
    const sig = sign(type, pair.privateKey, message);
    expect(verify(type, pair.publicKey, message, sig.subarray(0, 63))).toBe(false);
    expect(verify(type, pair.publicKey, message, new Uint8Array(65))).toBe(false);
    expect(verify(type, pair.publicKey, message, new Uint8Array(64))).toBe(false);
    expect(verify(type, new Uint8Array(0), message, sig)).toBe(false);
    expect(verify(type, new Uint8Array(33).fill(0xff), message, sig)).toBe(false);
    expect(verify(type, pair.publicKey.subarray(1), message, sig)).toBe(false);
  });

  it('sign rejects bad private keys with malformed', () => {
    expect(codeOf(() => sign(type, new Uint8Array(31), message))).toBe('malformed');
    expect(codeOf(() => sign(type, new Uint8Array(33), message))).toBe('malformed');
    if (type !== 'ed25519') {
      expect(codeOf(() => sign(type, new Uint8Array(32), message))).toBe('malformed');
      expect(codeOf(() => sign(type, new Uint8Array(32).fill(0xff), message))).toBe('malformed');
    }
  });

  it('round-trips public and private JWKs', () => {
    const jwk = publicKeyToJwk(type, pair.publicKey);
    expect(jwk.kty).toBe(expected[type].kty);
    expect(jwk.crv).toBe(expected[type].crv);
    expect(jwk.d).toBeUndefined();
    expect(jwk.y === undefined).toBe(type === 'ed25519');
    expect(keyTypeOfJwk(jwk).name).toBe(type);
    expect(publicKeyFromJwk(jwk)).toEqual({ type, publicKey: pair.publicKey });

    const priv = privateKeyToJwk(type, pair.privateKey);
    expect(priv).toEqual({ ...jwk, d: priv.d });
    expect(privateKeyFromJwk(priv)).toEqual({ type, privateKey: pair.privateKey });
    expect(publicKeyFromJwk(priv)).toEqual({ type, publicKey: pair.publicKey });
    const { x: _x, y: _y, ...dOnly } = priv;
    expect(privateKeyFromJwk(dOnly as Jwk)).toEqual({ type, privateKey: pair.privateKey });
  });

  it('rejects a private JWK whose public members belong to another key', () => {
    const other = publicKeyToJwk(type, generateKeyPair(type).publicKey);
    const priv = privateKeyToJwk(type, pair.privateKey);
    expect(codeOf(() => privateKeyFromJwk({ ...priv, x: other.x, y: other.y }))).toBe('malformed');
  });

  it('rejects malformed JWK members', () => {
    const jwk = publicKeyToJwk(type, pair.publicKey);
    expect(codeOf(() => publicKeyFromJwk({ ...jwk, x: `${jwk.x}AA` }))).toBe('malformed');
    expect(codeOf(() => publicKeyFromJwk({ ...jwk, x: `${jwk.x.slice(0, -1)}=` }))).toBe(
      'malformed',
    );
    expect(codeOf(() => publicKeyFromJwk({ ...jwk, x: 42 as unknown as string }))).toBe(
      'malformed',
    );
    expect(codeOf(() => privateKeyFromJwk(jwk))).toBe('malformed');
    if (type !== 'ed25519') {
      // Flip y: (x, y') is not on the curve.
      const y = Buffer.from(jwk.y ?? '', 'base64url');
      y[31] = (y[31] ?? 0) ^ 1;
      expect(codeOf(() => publicKeyFromJwk({ ...jwk, y: y.toString('base64url') }))).toBe(
        'malformed',
      );
      const { y: _y, ...noY } = jwk;
      expect(codeOf(() => publicKeyFromJwk(noY as Jwk))).toBe('malformed');
    }
  });

  it('round-trips Multikey public and private keys', () => {
    const text = publicKeyToMultibase(type, pair.publicKey);
    expect(text.startsWith(expected[type].prefix)).toBe(true);
    expect(publicKeyFromMultibase(text)).toEqual({ type, publicKey: pair.publicKey });
    const secret = privateKeyToMultibase(type, pair.privateKey);
    expect(privateKeyFromMultibase(secret)).toEqual({ type, privateKey: pair.privateKey });
    expect(codeOf(() => publicKeyFromMultibase(secret))).toBe('malformed');
    expect(codeOf(() => privateKeyFromMultibase(text))).toBe('malformed');
  });

  it('rejects Multikeys with the wrong key length or a bad point', () => {
    const code = keyTypes[type].multicodecPublic;
    expect(codeOf(() => publicKeyFromMultibase(multikey(code, pair.publicKey.subarray(1))))).toBe(
      'malformed',
    );
    const extra = Uint8Array.from([...pair.publicKey, 0]);
    expect(codeOf(() => publicKeyFromMultibase(multikey(code, extra)))).toBe('malformed');
    const bad = new Uint8Array(pair.publicKey.length).fill(0xff);
    if (type !== 'ed25519') bad[0] = 2;
    expect(codeOf(() => publicKeyFromMultibase(multikey(code, bad)))).toBe('malformed');
    const priv = keyTypes[type].multicodecPrivate;
    expect(codeOf(() => privateKeyFromMultibase(multikey(priv, new Uint8Array(31))))).toBe(
      'malformed',
    );
  });

  it('uses the new key when a signer overwrites its private key array in place', () => {
    const other = generateKeyPair(type);
    const buf = Uint8Array.from(pair.privateKey);
    expect(verify(type, pair.publicKey, message, sign(type, buf, message))).toBe(true);
    buf.set(other.privateKey);
    expect(verify(type, other.publicKey, message, sign(type, buf, message))).toBe(true);
  });
});

describe.each(['p256', 'secp256k1', 'sm2'] as const)('%s uncompressed points', (type) => {
  it('normalize to the compressed form and verify in either form', () => {
    const pair = generateKeyPair(type);
    const jwk = publicKeyToJwk(type, pair.publicKey);
    const uncompressed = Uint8Array.from([
      4,
      ...Buffer.from(jwk.x, 'base64url'),
      ...Buffer.from(jwk.y ?? '', 'base64url'),
    ]);
    expect(keyTypes[type].normalizePublicKey(uncompressed)).toEqual(pair.publicKey);
    expect(publicKeyToMultibase(type, uncompressed)).toBe(
      publicKeyToMultibase(type, pair.publicKey),
    );
    const message = utf8('x');
    expect(verify(type, uncompressed, message, sign(type, pair.privateKey, message))).toBe(true);
    // Multikey requires the compressed form.
    const long = multikey(keyTypes[type].multicodecPublic, uncompressed);
    expect(codeOf(() => publicKeyFromMultibase(long))).toBe('malformed');
  });
});

describe('JWK and Multikey type detection', () => {
  it.each([
    [{ kty: 'RSA', n: 'AQAB', e: 'AQAB' }, 'unsupportedKeyType'],
    [{ kty: 'EC', crv: 'P-384', x: 'AA', y: 'AA' }, 'unsupportedKeyType'],
    [{ kty: 'OKP', crv: 'X25519', x: 'AA' }, 'unsupportedKeyType'],
    [{ kty: 'OKP', crv: 'P-256', x: 'AA' }, 'unsupportedKeyType'],
    [{ kty: 'EC', crv: 'Ed25519', x: 'AA' }, 'unsupportedKeyType'],
    [{ kty: 'EC', x: 'AA' }, 'malformed'],
    [{ crv: 'P-256', x: 'AA' }, 'malformed'],
    [null, 'malformed'],
    ['{"kty":"EC"}', 'malformed'],
  ])('%j -> %s', (jwk, code) => {
    expect(codeOf(() => publicKeyFromJwk(jwk as unknown as Jwk))).toBe(code);
  });

  it('unknown or non-key multicodecs are unsupportedKeyType', () => {
    expect(codeOf(() => publicKeyFromMultibase(multikey(0xec, new Uint8Array(32))))).toBe(
      'unsupportedKeyType',
    ); // x25519-pub
    expect(codeOf(() => publicKeyFromMultibase(multikey(0x1201, new Uint8Array(49))))).toBe(
      'unsupportedKeyType',
    ); // p384-pub
    expect(codeOf(() => publicKeyFromMultibase(multikey(0x12, new Uint8Array(32))))).toBe(
      'unsupportedKeyType',
    ); // sha2-256
  });

  it('non-base58btc Multikeys and broken base58 are malformed', () => {
    const text = publicKeyToMultibase('ed25519', generateKeyPair('ed25519').publicKey);
    expect(codeOf(() => publicKeyFromMultibase(`u${text.slice(1)}`))).toBe('malformed');
    expect(codeOf(() => publicKeyFromMultibase(`${text.slice(0, 10)}0${text.slice(11)}`))).toBe(
      'malformed',
    );
    expect(codeOf(() => publicKeyFromMultibase(''))).toBe('malformed');
    expect(codeOf(() => publicKeyFromMultibase('z'))).toBe('malformed');
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });
});
