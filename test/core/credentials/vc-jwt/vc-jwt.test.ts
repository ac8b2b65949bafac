import * as jose from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { signCompactJws } from '../../../../src/core/credentials/jws/index.ts';
import type { JwsVerificationKey } from '../../../../src/core/credentials/jws/index.ts';
import {
  envelopeVcJwt,
  issueVcJwt,
  issueVpJwt,
  verifyVcJwt,
  verifyVpJwt,
} from '../../../../src/core/credentials/vc-jwt/index.ts';
import type {
  DidKeyResolver,
  VerifiableCredential,
} from '../../../../src/core/credentials/vc-jwt/index.ts';
import { base64urlDecode, base64urlEncode } from '../../../../src/core/encoding/base64url.ts';
import { DdiError } from '../../../../src/core/errors.ts';
import {
  generateKeyPair,
  privateKeyToJwk,
  publicKeyToJwk,
} from '../../../../src/core/keys/index.ts';
import type { KeyPair, KeyTypeName } from '../../../../src/core/keys/index.ts';

// did:ddi suffixes are 43-44 base58btc characters; these need not come from real operations.
const ISSUER = `did:ddi:${'3'.repeat(44)}`;
const HOLDER = `did:ddi:${'H'.repeat(44)}`;
const OTHER = `did:ddi:${'o'.repeat(44)}`;
const ISSUER_KID = `${ISSUER}#key-1`;
const HOLDER_KID = `${HOLDER}#key-1`;

const NOW = new Date('2025-06-01T12:00:00Z');
const VERIFIER = 'x509_san_dns:verifier.example.org';
const NONCE = 'n-0S6_WzA2Mj';

function credential(overrides: Record<string, unknown> = {}): VerifiableCredential {
  return {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://www.w3.org/ns/credentials/examples/v2',
    ],
    id: 'urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33',
    type: ['VerifiableCredential', 'RealNameVerifiedCredential'],
    issuer: ISSUER,
    validFrom: '2025-01-01T00:00:00Z',
    validUntil: '2026-01-01T00:00:00Z',
    credentialSubject: { id: HOLDER, realNameVerified: true, ageOver18: true },
    credentialStatus: {
      id: 'https://status.example.org/lists/3#94567',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '94567',
      statusListCredential: 'https://status.example.org/lists/3',
    },
    ...overrides,
  } as VerifiableCredential;
}

/** A resolver that knows one key per DID. */
function resolverFor(keys: Record<string, KeyPair>): DidKeyResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = (kid: string, did: string): JwsVerificationKey => {
    calls.push(kid);
    const key = keys[did];
    if (!key) throw new DdiError('notFound', `no key for ${did}`);
    return { type: key.type, publicKey: key.publicKey };
  };
  return Object.assign(resolve, { calls });
}

async function rejection(promise: Promise<unknown>): Promise<DdiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DdiError);
  return err as DdiError;
}

function thrown(fn: () => unknown): DdiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DdiError);
    return err as DdiError;
  }
  throw new Error('expected a DdiError');
}

function decodePart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(base64urlDecode(part ?? ''))) as Record<
    string,
    unknown
  >;
}

describe('vc+jwt round trips', () => {
  const cases: [KeyTypeName, string][] = [
    ['ed25519', 'EdDSA'],
    ['p256', 'ES256'],
    ['sm2', 'GmSM2'],
  ];
  for (const [type, alg] of cases) {
    it(`${type}: issues with header {alg: ${alg}, typ, kid} and the credential as payload`, async () => {
      const issuer = generateKeyPair(type);
      const vc = credential();
      const jws = issueVcJwt(vc, issuer, { kid: ISSUER_KID });
      const [h, p] = jws.split('.');
      expect(decodePart(h)).toEqual({ typ: 'vc+jwt', kid: ISSUER_KID, alg });
      expect(decodePart(p)).toEqual(vc);

      const resolve = resolverFor({ [ISSUER]: issuer });
      const verified = await verifyVcJwt(jws, { resolveIssuerKey: resolve, now: NOW });
      expect(verified.credential).toEqual(vc);
      expect(verified.header.alg).toBe(alg);
      expect(resolve.calls).toEqual([ISSUER_KID]);
    });
  }

  it('accepts an issuer object and no validity bounds', async () => {
    const issuer = generateKeyPair('ed25519');
    const vc = credential({ issuer: { id: ISSUER, name: 'Agency' } });
    delete vc.validFrom;
    delete vc.validUntil;
    delete vc.credentialStatus;
    const jws = issueVcJwt(vc, issuer, { kid: ISSUER_KID });
    const { credential: out } = await verifyVcJwt(jws, {
      resolveIssuerKey: resolverFor({ [ISSUER]: issuer }),
      now: NOW,
    });
    expect(out.issuer).toEqual({ id: ISSUER, name: 'Agency' });
  });
});

describe('interop with jose', () => {
  for (const [type, alg] of [
    ['ed25519', 'EdDSA'],
    ['p256', 'ES256'],
  ] as const) {
    it(`${alg}: jose.compactVerify accepts our vc+jwt with the issuer's public JWK`, async () => {
      const issuer = generateKeyPair(type);
      const vc = credential();
      const jws = issueVcJwt(vc, issuer, { kid: ISSUER_KID });
      const key = await jose.importJWK(publicKeyToJwk(type, issuer.publicKey), alg);
      const { payload, protectedHeader } = await jose.compactVerify(jws, key);
      expect(protectedHeader).toEqual({ alg, typ: 'vc+jwt', kid: ISSUER_KID });
      expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(vc);
      // jose's JWT layer accepts it too, with the typ checked on its side.
      const jwt = await jose.jwtVerify(jws, key, { typ: 'vc+jwt' });
      expect(jwt.payload.issuer).toBe(ISSUER);
    });

    it(`${alg}: a vc+jwt jose signs verifies with verifyVcJwt`, async () => {
      const issuer = generateKeyPair(type);
      const key = await jose.importJWK(privateKeyToJwk(type, issuer.privateKey), alg);
      const vc = credential();
      const jws = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(vc)))
        .setProtectedHeader({ alg, typ: 'vc+jwt', kid: ISSUER_KID })
        .sign(key);
      const verified = await verifyVcJwt(jws, {
        resolveIssuerKey: resolverFor({ [ISSUER]: issuer }),
        now: NOW,
      });
      expect(verified.credential).toEqual(vc);
    });
  }

  it('a jose-signed credential with a flipped bit fails', async () => {
    const issuer = generateKeyPair('p256');
    const key = await jose.importJWK(privateKeyToJwk('p256', issuer.privateKey), 'ES256');
    const jws = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(credential())))
      .setProtectedHeader({ alg: 'ES256', typ: 'vc+jwt', kid: ISSUER_KID })
      .sign(key);
    const [h, p, s] = jws.split('.');
    const sig = base64urlDecode(s ?? '');
    sig[5] = (sig[5] ?? 0) ^ 1;
    const err = await rejection(
      verifyVcJwt(`${h}.${p}.${base64urlEncode(sig)}`, {
        resolveIssuerKey: resolverFor({ [ISSUER]: issuer }),
        now: NOW,
      }),
    );
    expect(err.code).toBe('badSignature');
  });
});

describe('verifyVcJwt rejects', () => {
  const issuer = generateKeyPair('ed25519');
  const options = { resolveIssuerKey: resolverFor({ [ISSUER]: issuer }), now: NOW };

  it('a tampered payload', async () => {
    const [h, , s] = issueVcJwt(credential(), issuer, { kid: ISSUER_KID }).split('.');
    const forged = credential({ credentialSubject: { id: OTHER, realNameVerified: true } });
    const p = base64urlEncode(new TextEncoder().encode(JSON.stringify(forged)));
    expect((await rejection(verifyVcJwt(`${h}.${p}.${s}`, options))).code).toBe('badSignature');
  });

  it('a signature by a key other than the resolved one', async () => {
    const jws = issueVcJwt(credential(), generateKeyPair('ed25519'), { kid: ISSUER_KID });
    expect((await rejection(verifyVcJwt(jws, options))).code).toBe('badSignature');
  });

  it('a JWS with the wrong typ (a plain JWT, or a vp+jwt)', async () => {
    for (const typ of ['JWT', 'vp+jwt', undefined]) {
      const header = typ === undefined ? { kid: ISSUER_KID } : { typ, kid: ISSUER_KID };
      const jws = signCompactJws(header, credential(), issuer);
      const err = await rejection(verifyVcJwt(jws, options));
      expect(err.code).toBe('invalidCredential');
      expect(err.details?.reason).toBe('typ');
    }
    // RFC 7515 §4.1.9: the full media type is the same typ.
    const full = signCompactJws(
      { typ: 'application/vc+jwt', kid: ISSUER_KID },
      credential(),
      issuer,
    );
    await expect(verifyVcJwt(full, options)).resolves.toBeDefined();
  });

  it('a kid that is not under the issuer DID, before asking for any key', async () => {
    const attacker = generateKeyPair('ed25519');
    const resolve = resolverFor({ [ISSUER]: issuer, [OTHER]: attacker });
    const jws = signCompactJws({ typ: 'vc+jwt', kid: `${OTHER}#key-1` }, credential(), attacker);
    const err = await rejection(verifyVcJwt(jws, { resolveIssuerKey: resolve, now: NOW }));
    expect(err.code).toBe('unknownKey');
    expect(err.details?.reason).toBe('issuerMismatch');
    expect(resolve.calls).toEqual([]);
    // A kid that is a bare DID (no verification method) or absent.
    for (const kid of [ISSUER, undefined, `${ISSUER}#`, 'key-1']) {
      const header = kid === undefined ? { typ: 'vc+jwt' } : { typ: 'vc+jwt', kid };
      const e = await rejection(verifyVcJwt(signCompactJws(header, credential(), issuer), options));
      expect(e.code).toBe('unknownKey');
    }
  });

  it('an expired credential, and one not yet valid', async () => {
    const jws = issueVcJwt(credential(), issuer, { kid: ISSUER_KID });
    const expired = await rejection(
      verifyVcJwt(jws, { ...options, now: new Date('2026-01-01T00:00:01Z') }),
    );
    expect(expired.code).toBe('invalidCredential');
    expect(expired.details?.reason).toBe('expired');
    const early = await rejection(
      verifyVcJwt(jws, { ...options, now: new Date('2024-12-31T23:59:59Z') }),
    );
    expect(early.details?.reason).toBe('notYetValid');
    // The bounds themselves are inside the validity period.
    await expect(
      verifyVcJwt(jws, { ...options, now: new Date('2026-01-01T00:00:00Z') }),
    ).resolves.toBeDefined();
  });

  it('JWT exp/nbf and iss/sub beside the credential when they disagree', async () => {
    const sign = (extra: Record<string, unknown>): string =>
      signCompactJws({ typ: 'vc+jwt', kid: ISSUER_KID }, { ...credential(), ...extra }, issuer);
    const at = NOW.getTime() / 1000;
    expect((await rejection(verifyVcJwt(sign({ exp: at - 1 }), options))).details?.reason).toBe(
      'expired',
    );
    expect((await rejection(verifyVcJwt(sign({ nbf: at + 1 }), options))).details?.reason).toBe(
      'notYetValid',
    );
    expect((await rejection(verifyVcJwt(sign({ iss: OTHER }), options))).details?.field).toBe(
      'iss',
    );
    expect((await rejection(verifyVcJwt(sign({ sub: OTHER }), options))).details?.field).toBe(
      'sub',
    );
    await expect(
      verifyVcJwt(sign({ iss: ISSUER, sub: HOLDER, exp: at + 60 }), options),
    ).resolves.toBeDefined();
  });
});

describe('credential shape (issueVcJwt)', () => {
  const issuer = generateKeyPair('ed25519');
  const field = (overrides: Record<string, unknown>): unknown => {
    const err = thrown(() => issueVcJwt(credential(overrides), issuer, { kid: ISSUER_KID }));
    expect(err.code).toBe('malformed');
    return err.details?.field;
  };

  it('names the malformed field', () => {
    expect(field({ '@context': ['https://www.w3.org/2018/credentials/v1'] })).toBe('@context');
    expect(field({ '@context': 'https://www.w3.org/ns/credentials/v2' })).toBe('@context');
    expect(field({ type: ['RealNameVerifiedCredential'] })).toBe('type');
    expect(field({ type: [] })).toBe('type');
    expect(field({ issuer: 'https://issuer.example' })).toBe('issuer');
    expect(field({ issuer: { name: 'x' } })).toBe('issuer.id');
    expect(field({ credentialSubject: { realNameVerified: true } })).toBe('credentialSubject.id');
    expect(field({ credentialSubject: [{ id: HOLDER }] })).toBe('credentialSubject');
    expect(field({ validFrom: '2025-01-01' })).toBe('validFrom');
    expect(field({ validUntil: '2026-01-01T00:00:00' })).toBe('validUntil');
    expect(field({ validUntil: '2024-01-01T00:00:00Z' })).toBe('validUntil');
    expect(field({ id: 'not a url' })).toBe('id');
  });

  it('checks BitstringStatusListEntry status entries', () => {
    const status = (patch: Record<string, unknown>): unknown =>
      field({ credentialStatus: { ...credential().credentialStatus, ...patch } });
    expect(status({ statusListIndex: 94567 })).toBe('credentialStatus.statusListIndex');
    expect(status({ statusListIndex: '-1' })).toBe('credentialStatus.statusListIndex');
    expect(status({ statusPurpose: 'revoked' })).toBe('credentialStatus.statusPurpose');
    expect(status({ statusListCredential: 'lists/3' })).toBe(
      'credentialStatus.statusListCredential',
    );
    expect(status({ type: 'StatusList2021Entry' })).toBe('credentialStatus.type');
    expect(field({ credentialStatus: [] })).toBe('credentialStatus');
  });

  it('refuses a kid that is not a key of the issuer', () => {
    const err = thrown(() => issueVcJwt(credential(), issuer, { kid: `${OTHER}#key-1` }));
    expect(err.code).toBe('unknownKey');
  });
});

describe('vp+jwt', () => {
  const issuer = generateKeyPair('sm2');
  const holder = generateKeyPair('ed25519');
  const keys = resolverFor({ [ISSUER]: issuer, [HOLDER]: holder });
  const vcJwt = issueVcJwt(credential(), issuer, { kid: ISSUER_KID });
  const presentation = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiablePresentation'],
    holder: HOLDER,
    verifiableCredential: [envelopeVcJwt(vcJwt)],
  };
  const signedAt = new Date(NOW.getTime() - 30_000);
  const vpJwt = issueVpJwt(
    presentation,
    { kid: HOLDER_KID, aud: VERIFIER, nonce: NONCE, issuedAt: signedAt },
    holder,
  );
  const options = {
    resolveHolderKey: keys,
    aud: VERIFIER,
    nonce: NONCE,
    now: NOW,
    maxAgeSeconds: 300,
  };

  it('puts aud, nonce and iat as JWT claims beside the presentation', () => {
    const [h, p] = vpJwt.split('.');
    expect(decodePart(h)).toEqual({ typ: 'vp+jwt', kid: HOLDER_KID, alg: 'EdDSA' });
    expect(decodePart(p)).toEqual({
      ...presentation,
      aud: VERIFIER,
      nonce: NONCE,
      iat: signedAt.getTime() / 1000,
    });
    expect(presentation.verifiableCredential[0]).toEqual({
      '@context': 'https://www.w3.org/ns/credentials/v2',
      id: `data:application/vc+jwt,${vcJwt}`,
      type: 'EnvelopedVerifiableCredential',
    });
  });

  it('verifies and hands back the enclosed credentials, which verify in turn', async () => {
    const verified = await verifyVpJwt(vpJwt, options);
    expect(verified.holder).toBe(HOLDER);
    expect(verified.credentials).toEqual([vcJwt]);
    const { credential: vc } = await verifyVcJwt(verified.credentials[0] ?? '', {
      resolveIssuerKey: keys,
      now: NOW,
    });
    expect(vc.credentialSubject.id).toBe(verified.holder);
  });

  it('jose verifies our vp+jwt and reads the same aud and nonce', async () => {
    const key = await jose.importJWK(publicKeyToJwk('ed25519', holder.publicKey), 'EdDSA');
    const { payload } = await jose.jwtVerify(vpJwt, key, {
      typ: 'vp+jwt',
      audience: VERIFIER,
      currentDate: NOW,
      maxTokenAge: 300,
    });
    expect(payload.nonce).toBe(NONCE);
  });

  it('rejects another verifier’s audience and a wrong nonce', async () => {
    const aud = await rejection(verifyVpJwt(vpJwt, { ...options, aud: 'https://rp.example' }));
    expect([aud.code, aud.details?.reason]).toEqual(['invalidCredential', 'aud']);
    const nonce = await rejection(verifyVpJwt(vpJwt, { ...options, nonce: 'other-nonce' }));
    expect([nonce.code, nonce.details?.reason]).toEqual(['invalidCredential', 'nonce']);
  });

  it('rejects a replay outside the max age, and an iat in the future', async () => {
    const later = new Date(signedAt.getTime() + 301_000);
    const old = await rejection(verifyVpJwt(vpJwt, { ...options, now: later }));
    expect(old.details?.reason).toBe('tooOld');
    await expect(
      verifyVpJwt(vpJwt, { ...options, now: new Date(signedAt.getTime() + 300_000) }),
    ).resolves.toBeDefined();
    const future = await rejection(
      verifyVpJwt(vpJwt, { ...options, now: new Date(signedAt.getTime() - 61_000) }),
    );
    expect(future.details?.reason).toBe('issuedInFuture');
  });

  it('rejects a vp+jwt signed with a key of another DID than holder', async () => {
    const thief = generateKeyPair('ed25519');
    const forged = signCompactJws(
      { typ: 'vp+jwt', kid: `${OTHER}#key-1` },
      { ...presentation, aud: VERIFIER, nonce: NONCE, iat: NOW.getTime() / 1000 },
      thief,
    );
    const err = await rejection(verifyVpJwt(forged, options));
    expect([err.code, err.details?.reason]).toEqual(['unknownKey', 'holderMismatch']);
    const issueErr = thrown(() =>
      issueVpJwt(
        presentation,
        { kid: `${OTHER}#k`, aud: VERIFIER, nonce: NONCE, issuedAt: NOW },
        thief,
      ),
    );
    expect(issueErr.code).toBe('unknownKey');
  });

  it('rejects a vc+jwt offered as a vp+jwt, and a tampered presentation', async () => {
    const typ = await rejection(verifyVpJwt(vcJwt, options));
    expect(typ.details?.reason).toBe('typ');
    const [h, , s] = vpJwt.split('.');
    const p = base64urlEncode(
      new TextEncoder().encode(
        JSON.stringify({ ...presentation, aud: 'https://rp.example', nonce: NONCE, iat: 1 }),
      ),
    );
    expect((await rejection(verifyVpJwt(`${h}.${p}.${s}`, options))).code).toBe('badSignature');
  });

  it('rejects presentations of the wrong shape', () => {
    const issue = (patch: Record<string, unknown>): unknown =>
      thrown(() =>
        issueVpJwt(
          { ...presentation, ...patch },
          { kid: HOLDER_KID, aud: VERIFIER, nonce: NONCE, issuedAt: NOW },
          holder,
        ),
      ).details?.field;
    expect(issue({ type: ['VerifiableCredential'] })).toBe('type');
    expect(issue({ holder: undefined })).toBe('holder');
    expect(issue({ verifiableCredential: [] })).toBe('verifiableCredential');
    expect(issue({ verifiableCredential: [{ id: `data:application/vc+jwt,${vcJwt}` }] })).toBe(
      'verifiableCredential[0].type',
    );
    expect(
      issue({
        verifiableCredential: [{ ...envelopeVcJwt(vcJwt), id: `data:application/jwt,${vcJwt}` }],
      }),
    ).toBe('verifiableCredential[0].id');
    const noNonce = thrown(() =>
      issueVpJwt(
        presentation,
        { kid: HOLDER_KID, aud: VERIFIER, nonce: '', issuedAt: NOW },
        holder,
      ),
    );
    expect(noNonce.details?.field).toBe('nonce');
  });
});

describe('resolver errors propagate', () => {
  it('a resolver that refuses the key fails verification with its own error', async () => {
    const issuer = generateKeyPair('ed25519');
    const jws = issueVcJwt(credential(), issuer, { kid: ISSUER_KID });
    const resolveIssuerKey = vi.fn(() => {
      throw new DdiError('unknownKey', 'key revoked at issuance time');
    });
    const err = await rejection(verifyVcJwt(jws, { resolveIssuerKey, now: NOW }));
    expect(err.message).toBe('key revoked at issuance time');
    expect(resolveIssuerKey).toHaveBeenCalledWith(ISSUER_KID, ISSUER);
  });
});
