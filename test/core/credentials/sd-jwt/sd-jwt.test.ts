import { describe, expect, it } from 'vitest';
import { signCompactJws } from '../../../../src/core/credentials/jws/index.ts';
import {
  decodeSdJwt,
  issueSdJwt,
  issueSdJwtVc,
  presentSdJwt,
  verifySdJwt,
  verifySdJwtVc,
} from '../../../../src/core/credentials/sd-jwt/index.ts';
import { digestText } from '../../../../src/core/credentials/sd-jwt/lib/digest.ts';
import { encodeDisclosure } from '../../../../src/core/credentials/sd-jwt/lib/disclosure.ts';
import { DdiError } from '../../../../src/core/errors.ts';
import { generateKeyPair, publicKeyToJwk } from '../../../../src/core/keys/index.ts';
import type { KeyPair } from '../../../../src/core/keys/index.ts';
import { publicOf, rejection } from './helpers.ts';

const NOW = 1_760_000_000;
const AUD = 'did:ddi:verifier';
const NONCE = 'n-0S6_WzA2Mj';

function credential(issuer: KeyPair, holder: KeyPair, extra: Record<string, unknown> = {}) {
  return issueSdJwtVc({
    payload: {
      iss: 'did:ddi:issuer',
      vct: 'https://ddi.example/vct/identity',
      iat: NOW - 10,
      nbf: NOW - 10,
      exp: NOW + 3600,
      cnf: { jwk: publicKeyToJwk(holder.type, holder.publicKey) },
      given_name: 'Mei',
      family_name: 'Li',
      age_over: { '18': true, '21': true },
      nationalities: ['CN', 'SG'],
      ...extra,
    },
    disclosable: [
      ['given_name'],
      ['family_name'],
      ['age_over', '18'],
      ['age_over', '21'],
      ['nationalities', null],
    ],
    signer: issuer,
    header: { kid: 'did:ddi:issuer#key-1' },
  });
}

describe('SD-JWT VC issue, present, verify', () => {
  const issuer = generateKeyPair('ed25519');
  const holder = generateKeyPair('ed25519');
  const resolveIssuerKey = () => publicOf(issuer);
  const sdJwt = credential(issuer, holder);
  const kb = { aud: AUD, nonce: NONCE, iat: NOW, signer: holder };
  const requireKeyBinding = { aud: AUD, nonce: NONCE, now: NOW };
  const present = (disclose: Parameters<typeof presentSdJwt>[1]['disclose']) =>
    presentSdJwt(sdJwt, { disclose, keyBinding: kb });

  it('discloses exactly what the holder picks, bound to the verifier nonce and audience', async () => {
    const presentation = present([
      ['age_over', '18'],
      ['nationalities', 1],
    ]);
    const result = await verifySdJwtVc(presentation, {
      resolveIssuerKey,
      requireKeyBinding,
      now: NOW,
    });
    expect(result.header.typ).toBe('dc+sd-jwt');
    expect(result.payload).toMatchObject({
      iss: 'did:ddi:issuer',
      age_over: { '18': true },
      nationalities: ['SG'],
    });
    expect(result.payload).not.toHaveProperty('given_name');
    expect(result.payload.age_over).not.toHaveProperty('21');
    expect(result.disclosures.map((d) => d.path)).toEqual([
      ['age_over', '18'],
      ['nationalities', 1],
    ]);
    expect(result.keyBinding?.payload).toMatchObject({ aud: AUD, nonce: NONCE, iat: NOW });
  });

  it('accepts a predicate and the legacy vc+sd-jwt typ', async () => {
    const legacy = issueSdJwt({
      payload: { iss: 'did:ddi:issuer', vct: 'x', a: 1, b: 2 },
      disclosable: [['a'], ['b']],
      signer: issuer,
      header: { typ: 'vc+sd-jwt' },
    });
    const presented = presentSdJwt(legacy, { disclose: (path) => path[0] === 'b' });
    const { payload } = await verifySdJwtVc(presented, { resolveIssuerKey, now: NOW });
    expect(payload).toEqual({ iss: 'did:ddi:issuer', vct: 'x', b: 2 });
  });

  it('rejects a tampered disclosure (not referenced by any digest)', async () => {
    const parts = present([['given_name']]).split('~');
    const forged = encodeDisclosure('c2FsdHNhbHRzYWx0', 'given_name', 'Wang');
    const tampered = [parts[0], forged, ''].join('~');
    const err = await rejection(verifySdJwtVc(tampered, { resolveIssuerKey, now: NOW }));
    expect(err.details?.reason).toBe('disclosureNotReferenced');
  });

  it('rejects a disclosure presented twice, and one from another credential', async () => {
    const parts = presentSdJwt(sdJwt, { disclose: [['given_name']] }).split('~');
    const twice = [parts[0], parts[1], parts[1], ''].join('~');
    expect(
      (await rejection(verifySdJwt(twice, { resolveIssuerKey, now: NOW }))).details?.reason,
    ).toBe('duplicateDisclosure');
    const other = credential(issuer, holder).split('~');
    const foreign = [parts[0], other[1], ''].join('~');
    expect(
      (await rejection(verifySdJwt(foreign, { resolveIssuerKey, now: NOW }))).details?.reason,
    ).toBe('disclosureNotReferenced');
  });

  it('rejects a dropped KB-JWT when one is required', async () => {
    const withoutKb = presentSdJwt(sdJwt, { disclose: [['given_name']] });
    const err = await rejection(
      verifySdJwtVc(withoutKb, { resolveIssuerKey, requireKeyBinding, now: NOW }),
    );
    expect(err.details?.reason).toBe('keyBindingMissing');
  });

  it('rejects a wrong nonce or audience, and a KB-JWT too old or from the future', async () => {
    const presentation = present([['given_name']]);
    const verifyWith = (req: Record<string, unknown>) =>
      verifySdJwtVc(presentation, {
        resolveIssuerKey,
        now: NOW,
        requireKeyBinding: { ...requireKeyBinding, ...req },
      });
    expect((await rejection(verifyWith({ nonce: 'other' }))).details?.reason).toBe('nonceMismatch');
    expect((await rejection(verifyWith({ aud: 'did:ddi:evil' }))).details?.reason).toBe(
      'audienceMismatch',
    );
    expect((await rejection(verifyWith({ now: NOW + 1000 }))).details?.reason).toBe(
      'keyBindingTooOld',
    );
    expect((await rejection(verifyWith({ now: NOW - 1000 }))).details?.reason).toBe(
      'keyBindingIssuedInFuture',
    );
  });

  it('rejects a KB-JWT over other disclosures (sd_hash) or signed by another key', async () => {
    const presentation = present([['given_name'], ['family_name']]);
    const parts = presentation.split('~');
    const dropped = [parts[0], parts[1], parts[3]].join('~');
    const err = await rejection(
      verifySdJwtVc(dropped, { resolveIssuerKey, requireKeyBinding, now: NOW }),
    );
    expect(err.details?.reason).toBe('sdHashMismatch');

    const thief = presentSdJwt(sdJwt, {
      disclose: [['given_name']],
      keyBinding: { ...kb, signer: generateKeyPair('ed25519') },
    });
    expect(
      (await rejection(verifySdJwtVc(thief, { resolveIssuerKey, requireKeyBinding, now: NOW })))
        .code,
    ).toBe('badSignature');
  });

  it('rejects an expired or not yet valid credential, listing every failed check', async () => {
    const presentation = present([]);
    const late = await rejection(
      verifySdJwtVc(presentation, { resolveIssuerKey, now: NOW + 7200 }),
    );
    expect(late.details?.reason).toBe('expired');
    const early = await rejection(
      verifySdJwtVc(presentation, { resolveIssuerKey, now: NOW - 3600 }),
    );
    expect(early.details?.reasons).toEqual(['notYetValid', 'issuedInFuture']);
    const both = await rejection(
      verifySdJwtVc(presentation, {
        resolveIssuerKey,
        now: NOW + 7200,
        requireKeyBinding: { aud: AUD, nonce: 'x' },
      }),
    );
    expect(both.details?.reasons).toEqual(['nonceMismatch', 'keyBindingTooOld', 'expired']);
  });

  it('rejects the wrong issuer key and an alg that does not match the key type', async () => {
    const presentation = present([]);
    const wrongKey = await rejection(
      verifySdJwtVc(presentation, {
        resolveIssuerKey: () => publicOf(generateKeyPair('ed25519')),
        now: NOW,
      }),
    );
    expect(wrongKey.code).toBe('badSignature');
    const p256 = generateKeyPair('p256');
    const mismatch = await rejection(
      verifySdJwtVc(presentation, { resolveIssuerKey: () => publicOf(p256), now: NOW }),
    );
    expect(mismatch.details?.reason).toBe('algorithmMismatch');
  });

  it('rejects an SD-JWT VC without vct or with another typ', async () => {
    const plain = issueSdJwt({
      payload: { iss: 'did:ddi:issuer', a: 1 },
      disclosable: [['a']],
      signer: issuer,
      header: { typ: 'JWT' },
    });
    const err = await rejection(verifySdJwtVc(plain, { resolveIssuerKey, now: NOW }));
    expect(err.details?.reasons).toEqual(['typMismatch', 'vctMissing']);
    expect(() =>
      issueSdJwtVc({
        payload: { iss: 'x', vct: 'y', cnf: {} },
        disclosable: [['cnf']],
        signer: issuer,
      }),
    ).toThrow(DdiError);
  });
});

describe('SD-JWT structure', () => {
  const issuer = generateKeyPair('ed25519');
  const resolveIssuerKey = () => publicOf(issuer);

  // An issuer-signed JWT with hand-made digests, for structures issueSdJwt never writes.
  function handMade(payload: Record<string, unknown>, disclosures: string[]): string {
    return `${signCompactJws({}, { ...payload, _sd_alg: 'sha-256' }, issuer)}~${disclosures.map((d) => `${d}~`).join('')}`;
  }

  it('rejects a disclosed name that collides with a claim, and reserved names', async () => {
    const d = encodeDisclosure('salt-1', 'iss', 'did:ddi:evil');
    const collision = handMade({ iss: 'did:ddi:issuer', _sd: [digestText('sha256', d)] }, [d]);
    expect((await rejection(verifySdJwt(collision, { resolveIssuerKey }))).details?.reason).toBe(
      'claimNameCollision',
    );
    const reserved = encodeDisclosure('salt-2', '_sd', ['x']);
    const withReserved = handMade({ _sd: [digestText('sha256', reserved)] }, [reserved]);
    expect((await rejection(verifySdJwt(withReserved, { resolveIssuerKey }))).details?.reason).toBe(
      'reservedClaimName',
    );
  });

  it('rejects a digest that occurs twice, and an array disclosure under _sd', async () => {
    const d = encodeDisclosure('salt-3', 'a', 1);
    const digest = digestText('sha256', d);
    const twice = handMade({ _sd: [digest], b: { _sd: [digest] } }, [d]);
    expect((await rejection(verifySdJwt(twice, { resolveIssuerKey }))).details?.reason).toBe(
      'duplicateDigest',
    );
    const element = encodeDisclosure('salt-4', undefined, 1);
    const shape = handMade({ _sd: [digestText('sha256', element)] }, [element]);
    expect((await rejection(verifySdJwt(shape, { resolveIssuerKey }))).details?.reason).toBe(
      'disclosureShape',
    );
  });

  it('keeps a disclosed __proto__ claim as data, never as a prototype', async () => {
    const d = encodeDisclosure('salt-5', '__proto__', { polluted: true });
    const sdJwt = handMade({ _sd: [digestText('sha256', d)] }, [d]);
    const { payload } = await verifySdJwt(sdJwt, { resolveIssuerKey });
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(payload, '__proto__')?.value).toEqual({
      polluted: true,
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('recursive disclosures: a nested claim brings its parent; decoys and sorted digests', async () => {
    const sdJwt = issueSdJwt({
      payload: { address: { street: 'Main', city: 'Hangzhou' }, x: 1 },
      disclosable: [['address'], ['address', 'street'], ['address', 'city']],
      signer: issuer,
      decoys: 3,
    });
    const decoded = decodeSdJwt(sdJwt);
    const topDigests = decoded.signedPayload._sd as string[];
    expect(topDigests.length).toBe(4);
    expect([...topDigests].sort()).toEqual(topDigests);
    const presented = presentSdJwt(sdJwt, { disclose: [['address', 'city']] });
    expect(presented.split('~').length).toBe(4);
    const { payload } = await verifySdJwt(presented, { resolveIssuerKey });
    expect(payload).toEqual({ address: { city: 'Hangzhou' }, x: 1 });
  });

  it('SM2 issuer with sm3 digests round-trips; an unknown _sd_alg is refused', async () => {
    const sm2 = generateKeyPair('sm2');
    const sdJwt = issueSdJwt({
      payload: { a: 1, b: [1, 2] },
      disclosable: [['a'], ['b', 0]],
      signer: sm2,
      hashAlg: 'sm3',
    });
    const { header, payload } = await verifySdJwt(sdJwt, { resolveIssuerKey: () => publicOf(sm2) });
    expect(header.alg).toBe('GmSM2');
    expect(payload).toEqual({ a: 1, b: [1, 2] });
    const odd = `${signCompactJws({}, { _sd_alg: 'md5' }, issuer)}~`;
    expect((await rejection(verifySdJwt(odd, { resolveIssuerKey }))).details?.reason).toBe(
      'unsupportedSdAlg',
    );
  });

  it('refuses to issue for a path that names no claim, or a reserved claim name', () => {
    expect(() => issueSdJwt({ payload: { a: 1 }, disclosable: [['b']], signer: issuer })).toThrow(
      DdiError,
    );
    expect(() =>
      issueSdJwt({ payload: { a: { b: 1 } }, disclosable: [['a', 'b', 'c']], signer: issuer }),
    ).toThrow(DdiError);
    expect(() => issueSdJwt({ payload: { _sd: [] }, signer: issuer })).toThrow(DdiError);
  });

  it('rejects oversized and malformed presentations', async () => {
    const sdJwt = issueSdJwt({ payload: { a: 1 }, disclosable: [['a']], signer: issuer });
    expect((await rejection(verifySdJwt(sdJwt, { resolveIssuerKey, maxLength: 100 }))).code).toBe(
      'tooLarge',
    );
    expect(
      (await rejection(verifySdJwt(sdJwt.replace('~', '~~'), { resolveIssuerKey }))).code,
    ).toBe('malformed');
    expect((await rejection(verifySdJwt(sdJwt.slice(0, -1), { resolveIssuerKey }))).code).toBe(
      'malformed',
    );
  });
});
