import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { DeviceFile } from '../../src/clients/keystore/device-file.ts';
import { verifyVcJwt } from '../../src/core/credentials/vc-jwt/index.ts';
import { publicKeyFromMultibase } from '../../src/core/keys/index.ts';
import { createClient, httpTransport } from '../../src/clients/sdk/index.ts';
import type { DidResolutionResult } from '../../src/core/did/index.ts';
import { runDdi, startNodeProcess, stopGracefully } from '../helpers/node-process.ts';
import type { NodeProcess } from '../helpers/node-process.ts';
import { tempDir } from '../helpers/temp-node.ts';

const { dir, cleanup } = tempDir('ddi-device-cli-');
const keystore = join(dir, 'org', 'keystore.json');
const deviceFile = join(dir, 'org', 'devices.json');
const PASSPHRASE = 'device fleet passphrase';
const AUDIENCE = 'https://plant-monitor.example';
let node: NodeProcess;
let org = '';
let otherOrg = '';

beforeAll(async () => {
  node = await startNodeProcess(join(dir, 'node'));
});
afterAll(async () => {
  if (node) await stopGracefully(node.child);
  cleanup();
});

function ddi(args: string[]) {
  return runDdi(args, {
    HOME: dir,
    DDI_NODE: node.url,
    DDI_KEYSTORE: keystore,
    DDI_PASSPHRASE: PASSPHRASE,
  });
}

async function ddiJson<T = Record<string, unknown>>(args: string[]): Promise<T> {
  const run = await ddi([...args, '--json']);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
}

/** A failing command's error, from its --json output. */
async function ddiError(
  args: string[],
): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  const run = await ddi([...args, '--json']);
  expect(run.code).toBe(1);
  return (JSON.parse(run.stdout) as { error: { code: string; message: string } }).error;
}

describe('ddi device', () => {
  let first = '';

  it('registers 10,000 devices of an organization in one command', async () => {
    org = (await ddiJson<{ did: string }>(['did', 'create'])).did;
    otherOrg = (await ddiJson<{ did: string }>(['did', 'create'])).did;
    const result = await ddiJson<{
      controller: string;
      requested: number;
      registered: number;
      failed: unknown[];
      deviceFile: string;
      first: string;
    }>(['device', 'register', '--controller', org, '--count', '10000']);
    expect(result).toMatchObject({
      controller: org,
      requested: 10_000,
      registered: 10_000,
      failed: [],
      deviceFile,
    });
    first = result.first;
    // The ledger lists all of them as the organization's, active.
    expect(await ddiJson(['device', 'list', '--controller', org, '--count'])).toEqual({
      controller: org,
      count: 10_000,
      active: 10_000,
    });
    const onLedger = await createClient(httpTransport(node.url)).listDevices(org);
    expect(onLedger).toHaveLength(10_000);
    // The keys are in the sealed device file (0600), one entry per device.
    expect(statSync(deviceFile).mode & 0o777).toBe(0o600);
    const file = DeviceFile.open(deviceFile, PASSPHRASE);
    expect(file.devices()).toHaveLength(10_000);
    expect(new Set(file.devices().map((d) => d.did))).toEqual(
      new Set(onLedger.map((d) => d.device)),
    );
    expect(file.devices().every((d) => d.status === 'registered' && d.controller === org)).toBe(
      true,
    );
    // Each device DID names the organization as its controller.
    const res = await fetch(`${node.url}/1.0/identifiers/${first}`);
    const resolved = (await res.json()) as DidResolutionResult;
    expect(resolved.didDocument?.controller).toEqual([org]);
  });

  it('authenticates one of them to a service expecting its organization', async () => {
    const result = await ddiJson(['device', 'auth', first, '--audience', AUDIENCE]);
    expect(result).toMatchObject({ device: first, controller: org, kid: `${first}#key-1` });
    // A service expecting another organization refuses it.
    const wrong = await ddiError([
      'device',
      'auth',
      first,
      '--audience',
      AUDIENCE,
      '--controller',
      otherOrg,
    ]);
    expect(wrong.code).toBe('unauthorized');
  });

  it('answers a challenge given to it (device side only)', async () => {
    const client = createClient(httpTransport(node.url));
    const challenge = await client.transport.deviceChallenge(AUDIENCE);
    const { response } = await ddiJson<{ response: string }>([
      'device',
      'auth',
      first,
      '--challenge',
      JSON.stringify(challenge),
    ]);
    await expect(
      client.transport.verifyDeviceResponse(response, {
        audience: AUDIENCE,
        nonce: challenge.nonce,
        controller: org,
      }),
    ).resolves.toMatchObject({ device: first });
  });

  it('issues a device credential signed by the organization', async () => {
    const { credential } = await ddiJson<{ credential: string }>([
      'device',
      'credential',
      first,
      '--manufacturer',
      'Acme Pumps',
      '--model',
      'P-200',
      '--serial',
      'SN-000123',
    ]);
    const client = createClient(httpTransport(node.url));
    const verified = await verifyVcJwt(credential, {
      now: new Date(),
      resolveIssuerKey: async (kid, did) => {
        const doc = (await client.resolveDid(did)).didDocument!;
        const vm = doc.verificationMethod!.find((m) => m.id === kid)!;
        return publicKeyFromMultibase(vm.publicKeyMultibase);
      },
    });
    expect(verified.credential.issuer).toBe(org);
    expect(verified.credential.type).toContain('DeviceCredential');
    expect(verified.credential.credentialSubject).toEqual({
      id: first,
      manufacturer: 'Acme Pumps',
      model: 'P-200',
      serialNumber: 'SN-000123',
    });
    // An organization cannot vouch for a device it did not register.
    const stranger = await ddiError([
      'device',
      'credential',
      first,
      '--issuer',
      otherOrg,
      '--manufacturer',
      'x',
      '--model',
      'y',
      '--serial',
      'z',
    ]);
    expect(stranger.code).toBe('notFound');
  });

  it('rotates a device key: the old key no longer authenticates, the new one does', async () => {
    const oldKey = DeviceFile.open(deviceFile, PASSPHRASE).require(first);
    const rotated = await ddiJson<{ keyId: string; replaced: string }>(['device', 'rotate', first]);
    expect(rotated).toMatchObject({ keyId: 'key-2', replaced: 'key-1' });
    const after = DeviceFile.open(deviceFile, PASSPHRASE).require(first);
    expect(after.keyId).toBe('key-2');
    expect(after.publicKeyMultibase).not.toBe(oldKey.publicKeyMultibase);
    expect(await ddiJson(['device', 'auth', first, '--audience', AUDIENCE])).toMatchObject({
      kid: `${first}#key-2`,
    });
  });

  it('decommissions a device: it fails authentication with a clear error', async () => {
    const result = await ddiJson<{ decommissioned: boolean; didDeactivation: { status: string } }>([
      'device',
      'decommission',
      first,
      '--reason',
      'scrapped',
    ]);
    expect(result.decommissioned).toBe(true);
    expect(result.didDeactivation.status).toBe('committed');
    const refused = await ddi(['device', 'auth', first, '--audience', AUDIENCE]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error \[deactivated\]: /);
    const list = await ddiJson(['device', 'list', '--controller', org, '--count']);
    expect(list).toEqual({ controller: org, count: 10_000, active: 9_999 });
  });

  it('refuses bad usage without touching anything', async () => {
    const bad = await ddi(['device', 'register', '--controller', org, '--count', '0']);
    expect(bad.code).toBe(2);
    const notMine = await ddiError([
      'device',
      'register',
      '--controller',
      'did:ddi:9GRuJ7SQm4f6mfXL7vdtfUcuf9MV5hNKL8U9SxUjdp4M',
      '--count',
      '1',
    ]);
    expect(notMine.code).toBe('notFound');
    expect(DeviceFile.open(deviceFile, PASSPHRASE).devices()).toHaveLength(10_000);
  });
});
