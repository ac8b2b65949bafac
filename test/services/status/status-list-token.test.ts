import { describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { generateKeyPair, publicKeyToJwk } from '../../../src/core/keys/index.ts';
import { decodeCompactJwsUnverified } from '../../../src/core/credentials/jws/index.ts';
import {
  TokenStatus,
  decodeBitstring,
  decodeTokenStatusList,
  packTokenStatuses,
} from '../../../src/core/status/index.ts';
import { DdiError } from '../../../src/core/errors.ts';
import {
  bitstringStatusListCredential,
  statusListTokenJwt,
} from '../../../src/services/status/status-list-token.ts';

const owner = 'did:ddi:z6MkTestIssuer';
const kid = `${owner}#key-1`;
const key = generateKeyPair('ed25519');
const signer = { type: key.type, privateKey: key.privateKey };
const SIZE = 131_072;

// A ledger list of 2 bits: entry 7 revoked, 1000 suspended, 131071 revoked, the rest valid.
const statuses = new Uint8Array(SIZE);
statuses[7] = TokenStatus.Invalid;
statuses[1000] = TokenStatus.Suspended;
statuses[SIZE - 1] = TokenStatus.Invalid;
const packed = packTokenStatuses(statuses, 2);
const base = { owner, listId: 'list-0001', packed, bits: 2 as const, signer, kid };

async function verifyWithJose(jwt: string, typ: string, currentDate?: Date) {
  const jwk = await importJWK(publicKeyToJwk('ed25519', key.publicKey) as never, 'EdDSA');
  return jwtVerify(jwt, jwk, { typ, ...(currentDate ? { currentDate } : {}) });
}

describe('status list token (statuslist+jwt)', () => {
  it('carries the ledger bits in status_list and verifies under the issuer key (jose)', async () => {
    const uri = 'https://issuer.example/status/list-0001';
    const jwt = statusListTokenJwt({ ...base, uri, ttl: 300, now: 1_800_000_000 });
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'EdDSA', typ: 'statuslist+jwt', kid });
    // jose checks iat and exp against the clock: verify as of an hour after issuance.
    const { payload } = await verifyWithJose(
      jwt,
      'statuslist+jwt',
      new Date((1_800_000_000 + 3600) * 1000),
    );
    expect(payload).toMatchObject({
      sub: uri,
      iat: 1_800_000_000,
      exp: 1_800_000_000 + 86_400,
      ttl: 300,
    });
    const claims = decodeJwt(jwt) as { status_list: { bits: number; lst: string } };
    const list = decodeTokenStatusList(claims.status_list);
    expect(list.size).toBe(SIZE);
    expect(list.statusAt(7)).toBe(1);
    expect(list.statusAt(1000)).toBe(2);
    expect(list.statusAt(SIZE - 1)).toBe(1);
    expect(list.statusAt(8)).toBe(0);
  });

  it('verifies now with jose (iat now, exp a day on), and refuses a kid of another DID', async () => {
    const jwt = statusListTokenJwt({ ...base, uri: 'https://i.example/s/1', ttl: 60 });
    const { payload, protectedHeader } = await verifyWithJose(jwt, 'statuslist+jwt');
    expect(protectedHeader.typ).toBe('statuslist+jwt');
    expect(payload.exp! - payload.iat!).toBe(86_400);
    // A tampered payload fails the signature.
    const [h, , s] = jwt.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, ttl: 1 })).toString('base64url')}.${s}`;
    await expect(verifyWithJose(forged, 'statuslist+jwt')).rejects.toThrow();
    expect(() =>
      statusListTokenJwt({
        ...base,
        kid: 'did:ddi:other#key-1',
        uri: 'https://x.example/',
        ttl: 1,
      }),
    ).toThrow(DdiError);
  });
});

describe('BitstringStatusListCredential (vc+jwt)', () => {
  it('publishes revocation and suspension as two one-bit lists, W3C bit order', async () => {
    const revocationUri = 'https://issuer.example/status/list-0001/revocation';
    const revocation = bitstringStatusListCredential({
      ...base,
      uri: revocationUri,
      purpose: 'revocation',
    });
    const { payload, protectedHeader } = await verifyWithJose(revocation, 'vc+jwt');
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid });
    expect(payload).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: revocationUri,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: owner,
      credentialSubject: {
        id: `${revocationUri}#list`,
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
      },
    });
    const revoked = decodeBitstring(
      (payload.credentialSubject as { encodedList: string }).encodedList,
    );
    expect(revoked.size).toBe(SIZE);
    expect([7, 1000, SIZE - 1, 0].map((i) => revoked.statusAt(i))).toEqual([1, 0, 1, 0]);

    const suspension = decodeCompactJwsUnverified(
      bitstringStatusListCredential({ ...base, uri: 'https://i.example/s', purpose: 'suspension' }),
    );
    const suspended = decodeBitstring(
      (suspension.payload as { credentialSubject: { encodedList: string } }).credentialSubject
        .encodedList,
    );
    expect([7, 1000, SIZE - 1, 0].map((i) => suspended.statusAt(i))).toEqual([0, 1, 0, 0]);
  });

  it('refuses a suspension credential for a 1-bit (revocation) list', () => {
    expect(() =>
      bitstringStatusListCredential({
        ...base,
        packed: packTokenStatuses(new Uint8Array(SIZE), 1),
        bits: 1,
        uri: 'https://i.example/s',
        purpose: 'suspension',
      }),
    ).toThrow(/revocation only/);
  });
});
