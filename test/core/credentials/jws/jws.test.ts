import { CompactSign, compactVerify, importJWK } from 'jose';
import smCrypto from 'sm-crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeCompactJwsUnverified,
  signCompactJws,
  verifyCompactJws,
  verifyCompactJwsBytes,
} from '../../../../src/core/credentials/jws/index.ts';
import type { JwsVerificationKey } from '../../../../src/core/credentials/jws/index.ts';
import { base64urlEncode } from '../../../../src/core/encoding/base64url.ts';
import { DdiError } from '../../../../src/core/errors.ts';
import {
  generateKeyPair,
  privateKeyToJwk,
  publicKeyFromJwk,
  publicKeyToJwk,
} from '../../../../src/core/keys/index.ts';
import type { Jwk, KeyPair, KeyTypeName } from '../../../../src/core/keys/index.ts';
import { readVectorJson, toHex } from '../../vectors.ts';

const utf8 = new TextEncoder();
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const publicOf = (pair: KeyPair): JwsVerificationKey => ({
  type: pair.type,
  publicKey: pair.publicKey,
});

async function rejection(promise: Promise<unknown>): Promise<DdiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DdiError);
  return err as DdiError;
}

function jwsWithHeader(header: Record<string, unknown>, rest: string): string {
  return `${base64urlEncode(utf8.encode(JSON.stringify(header)))}.${rest}`;
}

describe('compact JWS round trip', () => {
  const types: KeyTypeName[] = ['ed25519', 'p256', 'secp256k1', 'sm2'];
  for (const type of types) {
    it(`${type}: signs with its alg and verifies; a changed payload fails`, async () => {
      const pair = generateKeyPair(type);
      const jws = signCompactJws({ typ: 'JWT', kid: 'k1' }, { sub: 'a', n: 1 }, pair);
      const { header, payload, signingInput } = await verifyCompactJws(jws, () => publicOf(pair));
      expect(header).toEqual({
        typ: 'JWT',
        kid: 'k1',
        alg: { ed25519: 'EdDSA', p256: 'ES256', secp256k1: 'ES256K', sm2: 'GmSM2' }[type],
      });
      expect(payload).toEqual({ sub: 'a', n: 1 });
      expect(signingInput).toBe(jws.slice(0, jws.lastIndexOf('.')));

      const [h, , s] = jws.split('.');
      const forged = `${h}.${base64urlEncode(utf8.encode('{"sub":"b","n":1}'))}.${s}`;
      expect((await rejection(verifyCompactJws(forged, () => publicOf(pair)))).code).toBe(
        'badSignature',
      );
    });
  }

  it('refuses a header alg that is not the signer key type', () => {
    const pair = generateKeyPair('ed25519');
    expect(() => signCompactJws({ alg: 'ES256' }, { a: 1 }, pair)).toThrow(DdiError);
  });
});

describe('strict verification', () => {
  const pair = generateKeyPair('ed25519');
  const jws = signCompactJws({}, { a: 1 }, pair);
  const [h, p, s] = jws.split('.') as [string, string, string];
  const resolve = () => publicOf(pair);

  it('rejects alg none, with or without a signature', async () => {
    for (const alg of ['none', 'None']) {
      const unsigned = jwsWithHeader({ alg }, `${p}.`);
      const err = await rejection(verifyCompactJws(unsigned, resolve));
      expect(err.details?.reason).toBe('algNone');
    }
  });

  it('rejects an alg that does not match the key type (ES256 header, Ed25519 key)', async () => {
    const forged = jwsWithHeader({ alg: 'ES256' }, `${p}.${s}`);
    const err = await rejection(verifyCompactJws(forged, resolve));
    expect(err.code).toBe('badSignature');
    expect(err.details?.reason).toBe('algorithmMismatch');
  });

  it('rejects an alg it does not know (HS256) before asking for a key', async () => {
    let asked = false;
    const forged = jwsWithHeader({ alg: 'HS256' }, `${p}.${s}`);
    const err = await rejection(
      verifyCompactJws(forged, () => {
        asked = true;
        return resolve();
      }),
    );
    expect(err.code).toBe('unsupportedKeyType');
    expect(asked).toBe(false);
  });

  it('rejects unknown or malformed crit, and accepts one the caller understands', async () => {
    const withCrit = signCompactJws({ crit: ['exp2'], exp2: 5 }, { a: 1 }, pair);
    expect((await rejection(verifyCompactJws(withCrit, resolve))).details?.reason).toBe('crit');
    await expect(verifyCompactJws(withCrit, resolve, { crit: ['exp2'] })).resolves.toBeTruthy();
    const registered = signCompactJws({ crit: ['kid'], kid: 'x' }, { a: 1 }, pair);
    expect(
      (await rejection(verifyCompactJws(registered, resolve, { crit: ['kid'] }))).details?.reason,
    ).toBe('crit');
    const missing = signCompactJws({ crit: ['exp2'] }, { a: 1 }, pair);
    expect(
      (await rejection(verifyCompactJws(missing, resolve, { crit: ['exp2'] }))).details?.reason,
    ).toBe('crit');
    const empty = signCompactJws({ crit: [] }, { a: 1 }, pair);
    expect((await rejection(verifyCompactJws(empty, resolve))).details?.reason).toBe('crit');
  });

  it('rejects b64 false (unencoded payloads)', async () => {
    const b64 = signCompactJws({ b64: false, crit: ['b64'] }, { a: 1 }, pair);
    await rejection(verifyCompactJws(b64, resolve, { crit: ['b64'] }));
  });

  it('rejects non-canonical base64url (padding, set trailing bits) in any part', async () => {
    const last = s.at(-1) ?? 'A';
    const bumped = B64URL[B64URL.indexOf(last) | 1] ?? 'B';
    expect(bumped).not.toBe(last);
    for (const bad of [
      `${h}.${p}.${s.slice(0, -1)}${bumped}`,
      `${h}=.${p}.${s}`,
      `${h}.${p}=.${s}`,
      `${h}.${p}.${s}==`,
    ]) {
      const err = await rejection(verifyCompactJws(bad, resolve));
      expect(err.code).toBe('malformed');
    }
  });

  it('rejects a JWS over the size limit, a wrong part count, and non-object JSON', async () => {
    expect((await rejection(verifyCompactJws(jws, resolve, { maxLength: 50 }))).code).toBe(
      'tooLarge',
    );
    expect((await rejection(verifyCompactJws(`${h}.${p}`, resolve))).code).toBe('malformed');
    expect((await rejection(verifyCompactJws(`${jws}.x`, resolve))).code).toBe('malformed');
    const arrayPayload = signCompactJws({}, utf8.encode('[1]'), pair);
    expect((await rejection(verifyCompactJws(arrayPayload, resolve))).code).toBe('malformed');
    const bom = signCompactJws({}, utf8.encode('\uFEFF{"a":1}'), pair);
    expect((await rejection(verifyCompactJws(bom, resolve))).code).toBe('malformed');
  });

  it('decodes without verifying only when asked to', () => {
    expect(decodeCompactJwsUnverified(jws).payload).toEqual({ a: 1 });
  });
});

describe('published vectors (RFC 8037 A.4, RFC 7515 A.3)', () => {
  const vectors = readVectorJson<{
    rfc8037: { public_jwk: Jwk; compact_jws: string; payload_utf8: string };
    rfc7515_A3_es256: { public_jwk: Jwk; compact_jws: string };
  }>('jose-rfc/rfc8037-rfc7515-vectors.json');

  it('RFC 8037 Ed25519 JWS verifies (text payload)', async () => {
    const { rfc8037: v } = vectors;
    const result = await verifyCompactJwsBytes(v.compact_jws, () => publicKeyFromJwk(v.public_jwk));
    expect(new TextDecoder().decode(result.payload)).toBe(v.payload_utf8);
    expect(result.header).toEqual({ alg: 'EdDSA' });
  });

  it('RFC 7515 A.3 ES256 JWS verifies (JSON payload)', async () => {
    const { rfc7515_A3_es256: v } = vectors;
    const { payload } = await verifyCompactJws(v.compact_jws, () => publicKeyFromJwk(v.public_jwk));
    expect(payload).toEqual({ iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true });
    const other = generateKeyPair('p256');
    await rejection(verifyCompactJws(v.compact_jws, () => publicOf(other)));
  });
});

describe('interoperability', () => {
  for (const [type, alg] of [
    ['ed25519', 'EdDSA'],
    ['p256', 'ES256'],
  ] as const) {
    it(`${alg}: a JWS we make verifies in jose, and one jose makes verifies here`, async () => {
      const pair = generateKeyPair(type);
      const ours = signCompactJws({ typ: 'JWT' }, { iss: 'did:ddi:x' }, pair);
      const publicJose = await importJWK(publicKeyToJwk(type, pair.publicKey), alg);
      const checked = await compactVerify(ours, publicJose);
      expect(JSON.parse(new TextDecoder().decode(checked.payload))).toEqual({ iss: 'did:ddi:x' });

      const privateJose = await importJWK(privateKeyToJwk(type, pair.privateKey), alg);
      const theirs = await new CompactSign(utf8.encode('{"from":"jose"}'))
        .setProtectedHeader({ alg })
        .sign(privateJose);
      const { payload } = await verifyCompactJws(theirs, () => publicOf(pair));
      expect(payload).toEqual({ from: 'jose' });
    });
  }

  it('GmSM2: our JWS verifies in sm-crypto (SM3 with Z, default user id)', async () => {
    const pair = generateKeyPair('sm2');
    const jws = signCompactJws({ typ: 'JWT' }, { iss: 'did:ddi:sm2' }, pair);
    const { signingInput } = await verifyCompactJws(jws, () => publicOf(pair));
    const jwk = publicKeyToJwk('sm2', pair.publicKey);
    const publicHex = `04${toHex(Buffer.from(jwk.x, 'base64url'))}${toHex(Buffer.from(jwk.y ?? '', 'base64url'))}`;
    const sigHex = toHex(Buffer.from(jws.split('.')[2] ?? '', 'base64url'));
    expect(smCrypto.sm2.doVerifySignature(signingInput, sigHex, publicHex, { hash: true })).toBe(
      true,
    );
    expect(
      smCrypto.sm2.doVerifySignature(`${signingInput}x`, sigHex, publicHex, { hash: true }),
    ).toBe(false);
  });

  it('GmSM2: a signature sm-crypto makes verifies here', async () => {
    const pair = generateKeyPair('sm2');
    const header = base64urlEncode(utf8.encode('{"alg":"GmSM2"}'));
    const payload = base64urlEncode(utf8.encode('{"from":"sm-crypto"}'));
    const publicHex = smCrypto.sm2.getPublicKeyFromPrivateKey(toHex(pair.privateKey));
    const sigHex = smCrypto.sm2.doSignature(`${header}.${payload}`, toHex(pair.privateKey), {
      hash: true,
      publicKey: publicHex,
    });
    const jws = `${header}.${payload}.${base64urlEncode(Buffer.from(sigHex, 'hex'))}`;
    expect((await verifyCompactJws(jws, () => publicOf(pair))).payload).toEqual({
      from: 'sm-crypto',
    });
  });
});
