import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DdiError } from '../../src/core/errors.ts';
import { generateKeyPair } from '../../src/core/keys/index.ts';
import { answerDeviceChallenge } from '../../src/core/device-auth/challenge-response.ts';
import { signCompactJws } from '../../src/core/credentials/jws/index.ts';
import { DeviceAuthenticator } from '../../src/services/device-auth/device-authenticator.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import { createClient, inProcessTransport } from '../../src/clients/sdk/index.ts';
import type { DdiClient, PreparedDevice } from '../../src/clients/sdk/index.ts';
import { didSigner } from '../../src/clients/sdk/utils/did-signer.ts';
import { openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';
import { ledgerActions } from '../helpers/ledger-actions.ts';

let t: TestNode;
let app: FastifyInstance;
let base: string;
let client: DdiClient;
const { newDid } = ledgerActions(() => t);
let org: TestDid;
let otherOrg: TestDid;
let devices: PreparedDevice[];
const AUDIENCE = 'https://factory.example/api';

/** A clock the test moves by hand. */
let clock = Date.parse('2026-11-25T10:00:00Z');
let auth: DeviceAuthenticator;

const orgSigner = (d: TestDid) => didSigner(d.did, 'key-1', d.signing);
const answer = (
  challenge: { nonce: string; audience: string; expiresAt: string },
  device: PreparedDevice,
  key = device.signingKey,
) =>
  answerDeviceChallenge(challenge, {
    did: device.did,
    keyId: device.keyId,
    signer: { type: key.type, privateKey: key.privateKey },
  });

async function refusal(promise: Promise<unknown>): Promise<DdiError> {
  const err = await promise.then(
    (r) => new Error(`expected a refusal, got ${JSON.stringify(r)}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DdiError);
  return err as DdiError;
}

beforeAll(async () => {
  t = await openTestNode();
  app = await buildHttpServer(t.node);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  client = createClient(inProcessTransport(t.node));
  org = await newDid('ed25519');
  otherOrg = await newDid('ed25519');
  devices = await client.prepareDevices({ controller: org.did, count: 6 });
  const result = await client.registerDevices({ signer: orgSigner(org), devices });
  expect(result.failed).toEqual([]);
  expect(result.registered).toHaveLength(6);
  auth = new DeviceAuthenticator(t.ledger.state, { ttlMs: 60_000, now: () => clock });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('device authentication (library)', () => {
  const expectation = (nonce: string) => ({ audience: AUDIENCE, nonce, controller: org.did });
  /** A whole round: the service's own challenge, the device's answer, the check. */
  const roundTrip = (device: PreparedDevice) => {
    const challenge = auth.issueChallenge(AUDIENCE);
    return auth.verify(answer(challenge, device), expectation(challenge.nonce));
  };

  it('authenticates a registered device by its current key, once per challenge', async () => {
    const device = devices[0]!;
    const challenge = auth.issueChallenge(AUDIENCE);
    expect(challenge.audience).toBe(AUDIENCE);
    expect(Date.parse(challenge.expiresAt)).toBe(clock + 60_000);
    const response = answer(challenge, device);
    expect(await auth.verify(response, expectation(challenge.nonce))).toEqual({
      device: device.did,
      controller: org.did,
      kid: `${device.did}#key-1`,
    });
    // The same answer again: the nonce is spent.
    const reused = await refusal(auth.verify(response, expectation(challenge.nonce)));
    expect(reused.code).toBe('replay');
    expect(reused.details).toMatchObject({ reason: 'nonceReused' });
  });

  it('refuses an answer for another audience, and does not spend the challenge', async () => {
    const challenge = auth.issueChallenge('https://other-service.example');
    const response = answer(challenge, devices[0]!);
    const err = await refusal(auth.verify(response, expectation(challenge.nonce)));
    expect(err.code).toBe('challengeFailed');
    expect(err.details).toMatchObject({ reason: 'audience' });
    // A device that signs a different aud than its challenge named is refused too.
    const mine = auth.issueChallenge(AUDIENCE);
    const relabelled = answer({ ...mine, audience: 'https://elsewhere.example' }, devices[0]!);
    expect((await refusal(auth.verify(relabelled, expectation(mine.nonce)))).details).toMatchObject(
      {
        reason: 'audience',
      },
    );
    // The challenge is still good for a correct answer.
    await expect(
      auth.verify(answer(mine, devices[0]!), expectation(mine.nonce)),
    ).resolves.toMatchObject({
      device: devices[0]!.did,
    });
  });

  it('refuses an answer to a challenge that was not issued for this session (relay)', async () => {
    const device = devices[0]!;
    // The service S opened a session with its own challenge.
    const session = auth.issueChallenge(AUDIENCE);
    // An attacker asks for another challenge for S and gets device D to sign it.
    const attackers = auth.issueChallenge(AUDIENCE);
    const relayed = answer(attackers, device);
    const err = await refusal(auth.verify(relayed, expectation(session.nonce)));
    expect(err.code).toBe('challengeFailed');
    expect(err.details).toMatchObject({ reason: 'sessionNonce' });
    // Neither challenge was spent by the refusal; each is good for its own session only.
    await expect(
      auth.verify(answer(session, device), expectation(session.nonce)),
    ).resolves.toMatchObject({ device: device.did });
    expect((await refusal(auth.verify(relayed, expectation('')))).code).toBe('malformed');
  });

  it('caps the challenges outstanding per audience, so one caller cannot lock others out', async () => {
    let now = Date.parse('2026-11-25T12:00:00Z');
    const small = new DeviceAuthenticator(t.ledger.state, {
      ttlMs: 1_000,
      capacity: 5,
      audienceCapacity: 2,
      now: () => now,
    });
    small.issueChallenge('https://flooder.example');
    small.issueChallenge('https://flooder.example');
    const full = (() => {
      try {
        small.issueChallenge('https://flooder.example');
      } catch (e) {
        return e as DdiError;
      }
    })();
    expect(full).toBeInstanceOf(DdiError);
    expect(full!.code).toBe('unavailable');
    expect(full!.details).toMatchObject({ reason: 'audienceCapacity' });
    // Another service still gets its challenge, and it works.
    const mine = small.issueChallenge(AUDIENCE);
    await expect(
      small.verify(answer(mine, devices[0]!), expectation(mine.nonce)),
    ).resolves.toMatchObject({ device: devices[0]!.did });
    // The global cap still holds (5 outstanding: 2 + 1 + 2).
    small.issueChallenge('https://b.example');
    small.issueChallenge('https://c.example');
    expect(() => small.issueChallenge('https://d.example')).toThrow(
      expect.objectContaining({ code: 'unavailable' }),
    );
    // Once they expire, the flooder's audience is free again.
    now += 1_001;
    expect(small.issueChallenge('https://flooder.example').audience).toBe(
      'https://flooder.example',
    );
  });

  it('refuses an expired challenge and an unknown nonce', async () => {
    const challenge = auth.issueChallenge(AUDIENCE);
    const response = answer(challenge, devices[1]!);
    clock += 60_001;
    const expired = await refusal(auth.verify(response, expectation(challenge.nonce)));
    expect(expired.code).toBe('challengeFailed');
    expect(expired.details).toMatchObject({ reason: 'expired' });
    const invented = answer({ ...challenge, nonce: 'never-issued-nonce' }, devices[1]!);
    const unknown = await refusal(auth.verify(invented, expectation('never-issued-nonce')));
    expect(unknown.code).toBe('challengeFailed');
    expect(unknown.details).toMatchObject({ reason: 'unknownChallenge' });
  });

  it('refuses a device of another organization than expected', async () => {
    const challenge = auth.issueChallenge(AUDIENCE);
    const err = await refusal(
      auth.verify(answer(challenge, devices[1]!), {
        audience: AUDIENCE,
        nonce: challenge.nonce,
        controller: otherOrg.did,
      }),
    );
    expect(err.code).toBe('unauthorized');
    expect(err.details).toMatchObject({ reason: 'controller' });
    // A DID that names org as controller but that org never registered is no device of it.
    const unregistered = (await client.prepareDevices({ controller: org.did, count: 1 }))[0]!;
    await client.submitTransaction({ transaction: unregistered.createTx });
    const err2 = await refusal(roundTrip(unregistered));
    expect(err2.code).toBe('unauthorized');
  });

  it('refuses a bad signature, a key that is not the device’s, and a wrong typ', async () => {
    const device = devices[2]!;
    const challenge = auth.issueChallenge(AUDIENCE);
    const forged = answer(challenge, device, generateKeyPair('ed25519'));
    const bad = await refusal(auth.verify(forged, expectation(challenge.nonce)));
    expect(bad.code).toBe('badSignature');
    const tampered = answer(challenge, device).slice(0, -4) + 'AAAA';
    expect((await refusal(auth.verify(tampered, expectation(challenge.nonce)))).code).toBe(
      'badSignature',
    );
    const wrongKid = signCompactJws(
      { typ: 'ddi-device-auth+jwt', kid: `${device.did}#key-9` },
      { iss: device.did, aud: AUDIENCE, nonce: challenge.nonce, iat: 1 },
      { type: device.signingKey.type, privateKey: device.signingKey.privateKey },
    );
    expect((await refusal(auth.verify(wrongKid, expectation(challenge.nonce)))).code).toBe(
      'unknownKey',
    );
    const wrongTyp = signCompactJws(
      { typ: 'JWT', kid: `${device.did}#key-1` },
      { iss: device.did, aud: AUDIENCE, nonce: challenge.nonce, iat: 1 },
      { type: device.signingKey.type, privateKey: device.signingKey.privateKey },
    );
    expect((await refusal(auth.verify(wrongTyp, expectation(challenge.nonce)))).code).toBe(
      'malformed',
    );
    expect((await refusal(auth.verify('not a jws', expectation(challenge.nonce)))).code).toBe(
      'malformed',
    );
    // None of these spent the challenge.
    await expect(
      auth.verify(answer(challenge, device), expectation(challenge.nonce)),
    ).resolves.toBeTruthy();
  });

  it('refuses the old key after a rotation, and accepts the new one', async () => {
    const device = devices[3]!;
    const newKey = generateKeyPair('ed25519');
    await client.rotateKey({
      did: device.did,
      signer: orgSigner(org),
      newKey,
      newKeyId: 'key-2',
      replaceKeyId: 'key-1',
    });
    const old = await refusal(roundTrip(device));
    expect(old.code).toBe('unknownKey');
    const rotated = { ...device, keyId: 'key-2', signingKey: newKey };
    await expect(roundTrip(rotated)).resolves.toMatchObject({ kid: `${device.did}#key-2` });
  });

  it('refuses a decommissioned device, with or without its DID deactivated', async () => {
    const [kept, deactivated] = [devices[4]!, devices[5]!];
    await client.decommissionDevice({
      device: kept.did,
      signer: orgSigner(org),
      deactivateDid: false,
      reason: 'scrapped',
    });
    const err = await refusal(roundTrip(kept));
    expect(err.code).toBe('deactivated');
    expect(err.details).toMatchObject({ reason: 'decommissioned' });

    const result = await client.decommissionDevice({
      device: deactivated.did,
      signer: orgSigner(org),
    });
    expect(result.results.map((r) => r.status)).toEqual(['committed', 'committed']);
    expect((await client.resolveDid(deactivated.did)).didDocumentMetadata.deactivated).toBe(true);
    const err2 = await refusal(roundTrip(deactivated));
    expect(err2.code).toBe('deactivated');
    // Only the organization may decommission: otherOrg's key is refused.
    const other = await refusal(
      client.decommissionDevice({ device: devices[0]!.did, signer: orgSigner(otherOrg) }),
    );
    expect(other.code).toBe('notFound');
    expect((await client.getDevice(org.did, devices[0]!.did)).status).toBe('active');
  });
});

describe('device authentication over HTTP', () => {
  async function post(path: string, body: unknown) {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('issues a challenge, verifies the answer, refuses it the second time (409)', async () => {
    const challenge = await post('/v1/device-auth/challenges', { audience: AUDIENCE });
    expect(challenge.status).toBe(200);
    const response = answer(challenge.body as never, devices[0]!);
    const nonce = challenge.body.nonce as string;
    const ok = await post('/v1/device-auth/verify', {
      response,
      audience: AUDIENCE,
      nonce,
      controller: org.did,
    });
    expect(ok).toEqual({
      status: 200,
      body: { device: devices[0]!.did, controller: org.did, kid: `${devices[0]!.did}#key-1` },
    });
    const again = await post('/v1/device-auth/verify', {
      response,
      audience: AUDIENCE,
      nonce,
      controller: org.did,
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('replay');
    const fresh = (await post('/v1/device-auth/challenges', { audience: AUDIENCE })).body;
    const wrong = await post('/v1/device-auth/verify', {
      response: answer(fresh as never, devices[0]!),
      audience: 'https://someone-else.example',
      nonce: fresh.nonce,
      controller: org.did,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('challengeFailed');
    const forD4 = (await post('/v1/device-auth/challenges', { audience: AUDIENCE })).body;
    const decommissioned = await post('/v1/device-auth/verify', {
      response: answer(forD4 as never, devices[4]!),
      audience: AUDIENCE,
      nonce: forD4.nonce,
      controller: org.did,
    });
    expect(decommissioned.status).toBe(410);
    // Relay over HTTP: the answer to someone else's challenge, presented in this session.
    const session = (await post('/v1/device-auth/challenges', { audience: AUDIENCE })).body;
    const attackers = (await post('/v1/device-auth/challenges', { audience: AUDIENCE })).body;
    const relayed = await post('/v1/device-auth/verify', {
      response: answer(attackers as never, devices[0]!),
      audience: AUDIENCE,
      nonce: session.nonce,
      controller: org.did,
    });
    expect(relayed.status).toBe(401);
    expect(relayed.body.details).toMatchObject({ reason: 'sessionNonce' });
    // The nonce is required.
    const withoutNonce = await post('/v1/device-auth/verify', {
      response: answer(session as never, devices[0]!),
      audience: AUDIENCE,
      controller: org.did,
    });
    expect(withoutNonce.status).toBe(400);
    expect(await post('/v1/device-auth/challenges', { audience: '' })).toMatchObject({
      status: 400,
    });
  });

  it('lists an organization’s devices and shows one', async () => {
    const res = await fetch(`${base}/v1/devices?controller=${org.did}`);
    const page = (await res.json()) as { devices: Array<{ device: string; status: string }> };
    expect(page.devices.map((d) => d.device).sort()).toEqual(devices.map((d) => d.did).sort());
    const one = await fetch(`${base}/v1/devices/${devices[4]!.did}?controller=${org.did}`);
    expect(((await one.json()) as { status: string }).status).toBe('decommissioned');
    const none = await fetch(`${base}/v1/devices/${devices[4]!.did}?controller=${otherOrg.did}`);
    expect(none.status).toBe(404);
    const bad = await fetch(`${base}/v1/devices?controller=${org.did}&limit=5000`);
    expect(bad.status).toBe(400);
  });
});

describe('POST /v1/transactions/batch', () => {
  it('commits the good entries of a partially bad batch and refuses each bad one on its own', async () => {
    const fresh = await client.prepareDevices({ controller: org.did, count: 3 });
    const forged = structuredClone(fresh[2]!.createTx);
    forged.proofs[0]!.sig = fresh[1]!.createTx.proofs[0]!.sig; // someone else's signature
    const root = t.ledger.head().header.stateRoot;
    const res = await fetch(`${base}/v1/transactions/batch?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        transactions: [
          fresh[0]!.createTx,
          { body: 'not a transaction' },
          forged,
          fresh[1]!.createTx,
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      committed: number;
      rejected: number;
      results: Array<{ id?: string; status: string; code?: string }>;
    };
    expect(body.results.map((r) => [r.status, r.code])).toEqual([
      ['committed', undefined],
      ['rejected', 'malformed'],
      ['rejected', 'badSignature'],
      ['committed', undefined],
    ]);
    expect(body.results[1]!.id).toBeUndefined();
    expect({ committed: body.committed, rejected: body.rejected }).toEqual({
      committed: 2,
      rejected: 2,
    });
    expect(t.ledger.head().header.stateRoot).not.toBe(root);
    expect(await client.resolveDid(fresh[2]!.did).catch((e: DdiError) => e.code)).toBe('notFound');
    expect((await client.resolveDid(fresh[0]!.did)).didDocumentMetadata.versionId).toBe('1');
  });

  it('refuses a request that is not a batch, changing nothing', async () => {
    const root = t.ledger.head().header.stateRoot;
    for (const body of [{ transactions: [] }, { transactions: 'x' }, { txs: [] }, []]) {
      const res = await fetch(`${base}/v1/transactions/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('malformed');
    }
    const tooMany = { transactions: Array.from({ length: 2001 }, () => ({})) };
    const res = await fetch(`${base}/v1/transactions/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tooMany),
    });
    expect(res.status).toBe(400);
    expect(t.ledger.head().header.stateRoot).toBe(root);
  });
});
