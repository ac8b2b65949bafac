import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Keystore } from '../../src/clients/keystore/keystore.ts';
import type { DidResolutionResult } from '../../src/core/did/index.ts';
import {
  DDI_BIN,
  REPO_ROOT,
  startNodeProcess,
  stopGracefully,
  runDdi,
} from '../helpers/node-process.ts';
import type { CliRun } from '../helpers/node-process.ts';
import type { NodeProcess } from '../helpers/node-process.ts';
import { tempDir } from '../helpers/temp-node.ts';

const { dir, cleanup } = tempDir('ddi-cli-');
const keystore = join(dir, 'wallet', 'keystore.json');
const PASSPHRASE = 'walkthrough passphrase';
let node: NodeProcess;

beforeAll(async () => {
  node = await startNodeProcess(join(dir, 'node'));
});
afterAll(async () => {
  // SIGTERM stops the node cleanly (exit 0).
  if (node) expect(await stopGracefully(node.child)).toBe(0);
  cleanup();
});

type Run = CliRun;

/** Runs `ddi …` as a subprocess against the test node and keystore. */
function ddi(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return runDdi(args, {
    HOME: dir,
    DDI_NODE: node.url,
    DDI_KEYSTORE: keystore,
    DDI_PASSPHRASE: PASSPHRASE,
    ...env,
  });
}

/** Runs a command that must succeed and returns its single JSON document. */
async function ddiJson<T = Record<string, unknown>>(args: string[]): Promise<T> {
  const run = await ddi([...args, '--json']);
  expect(run.stderr, run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as T;
}

async function resolveOverHttp(
  did: string,
  query = '',
): Promise<{ status: number; body: DidResolutionResult }> {
  const res = await fetch(`${node.url}/1.0/identifiers/${did}${query}`);
  return { status: res.status, body: (await res.json()) as DidResolutionResult };
}

function keyIds(result: DidResolutionResult): string[] {
  return (result.didDocument?.verificationMethod ?? []).map((vm) => vm.id.split('#')[1]!);
}

describe('the ddi CLI walkthrough', () => {
  let sm2Did = '';
  let edDid = '';

  it('creates an SM2 DID and an Ed25519 DID', async () => {
    const sm2 = await ddi(['did', 'create', '--type', 'sm2']);
    expect(sm2.code).toBe(0);
    sm2Did = sm2.stdout.trim();
    expect(sm2Did).toMatch(/^did:ddi:[1-9A-HJ-NP-Za-km-z]{43,44}$/);
    expect(sm2.stderr).toContain('created keystore');

    const ed = await ddiJson<{
      did: string;
      versionId: string;
      keys: { signing: Record<string, string>; recovery: string };
    }>([
      'did',
      'create',
      '--type',
      'ed25519',
      '--service',
      'hub,LinkedDomains,https://example.org/',
    ]);
    edDid = ed.did;
    expect(ed.versionId).toBe('1');
    expect(Object.keys(ed.keys.signing)).toEqual(['key-1']);

    const { status, body } = await resolveOverHttp(sm2Did);
    expect(status).toBe(200);
    expect(body.didDocument?.verificationMethod?.[0]?.publicKeyMultibase).toMatch(/^z/);
    expect(keyIds(body)).toEqual(['key-1']);

    const listed = await ddiJson<Array<{ did: string }>>(['did', 'list']);
    expect(listed.map((d) => d.did)).toEqual([sm2Did, edDid]);
    const keys = await ddiJson<Array<{ name: string; type: string; privateKeyJwk?: unknown }>>([
      'key',
      'list',
    ]);
    expect(keys.map((k) => k.type)).toEqual(['sm2', 'sm2', 'ed25519', 'ed25519']);
    expect(keys.every((k) => k.privateKeyJwk === undefined)).toBe(true);
  });

  it('rotates, and resolves the current and an earlier version over HTTP', async () => {
    const beforeRotation = new Date().toISOString();
    const rotated = await ddiJson<{ keyId: string; replacedKeyId: string; versionId: string }>([
      'did',
      'rotate',
      sm2Did,
    ]);
    expect(rotated).toMatchObject({ keyId: 'key-2', replacedKeyId: 'key-1', versionId: '2' });

    const current = await resolveOverHttp(sm2Did);
    expect(keyIds(current.body)).toEqual(['key-2']);
    expect(current.body.didDocument?.capabilityInvocation).toEqual([`${sm2Did}#key-2`]);
    const first = await resolveOverHttp(sm2Did, '?versionId=1');
    expect(keyIds(first.body)).toEqual(['key-1']);
    expect(first.body.didDocumentMetadata.nextVersionId).toBe('2');
    const atTime = await resolveOverHttp(sm2Did, `?versionTime=${beforeRotation}`);
    expect(atTime.body.didDocumentMetadata.versionId).toBe('1');

    // The same through the CLI.
    const viaCli = await ddiJson<DidResolutionResult>([
      'did',
      'resolve',
      sm2Did,
      '--version-id',
      '1',
    ]);
    expect(viaCli).toEqual(first.body);
  });

  it('updates services and lets a controller update a device DID', async () => {
    const updated = await ddi([
      'did',
      'update',
      edDid,
      '--remove-service',
      'hub',
      '--add-service',
      'inbox,DIDCommMessaging,https://example.org/inbox',
    ]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toContain('version 2');
    const doc = (await resolveOverHttp(edDid)).body.didDocument!;
    expect(doc.service?.map((s) => s.id)).toEqual([`${edDid}#inbox`]);

    const device = (
      await ddiJson<{ did: string }>(['did', 'create', '--type', 'p256', '--controller', edDid])
    ).did;
    // Drop the device's own signing key: only the controller (edDid) can sign for it now.
    const deviceKey = (
      await ddiJson<Array<{ name: string; usedBy: string[] }>>(['key', 'list'])
    ).find((k) => k.usedBy.includes(device) && k.name.endsWith('-key-1'))!.name;
    expect((await ddi(['key', 'delete', deviceKey, '--force'])).code).toBe(0);
    const byController = await ddiJson<{ versionId: string }>([
      'did',
      'update',
      device,
      '--add-service',
      'telemetry,DeviceTelemetry,https://iot.example/d1',
    ]);
    expect(byController.versionId).toBe('2');
    const deviceDoc = (await resolveOverHttp(device)).body.didDocument!;
    expect(deviceDoc.controller).toEqual([edDid]);
    expect(deviceDoc.service).toHaveLength(1);
  });

  it('recovers a DID after its signing key is lost', async () => {
    const keys = await ddiJson<Array<{ name: string; usedBy: string[] }>>(['key', 'list']);
    const signing = keys.find((k) => k.usedBy.includes(sm2Did) && k.name.endsWith('-key-2'))!.name;
    const refused = await ddi(['key', 'delete', signing]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error \[conflict\]: .*--force/);
    expect((await ddi(['key', 'delete', signing, '--force'])).code).toBe(0);

    const noKey = await ddi(['did', 'update', sm2Did, '--add-service', 'a,b,https://c.example/']);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/^error \[unknownKey\]/);

    const recovered = await ddiJson<{
      versionId: string;
      keys: { signing: Record<string, string>; recovery: string };
    }>(['did', 'recover', sm2Did]);
    expect(recovered.versionId).toBe('3');
    expect(Object.keys(recovered.keys.signing)).toEqual(['key-3']);
    expect(recovered.keys.recovery).toMatch(/-recovery-2$/);
    expect(keyIds((await resolveOverHttp(sm2Did)).body)).toEqual(['key-3']);
    // The new key signs.
    const after = await ddi(['did', 'update', sm2Did, '--add-service', 'a,b,https://c.example/']);
    expect(after.code, after.stderr).toBe(0);
  });

  it('deactivates a DID; later changes fail with a JSON error', async () => {
    const gone = await ddiJson<{ versionId: string }>(['did', 'deactivate', sm2Did]);
    expect(gone.versionId).toBe('5');
    const { status, body } = await resolveOverHttp(sm2Did);
    expect(status).toBe(410);
    expect(body.didDocumentMetadata.deactivated).toBe(true);

    const refused = await ddi([
      'did',
      'update',
      sm2Did,
      '--add-service',
      'x,y,https://z.example/',
      '--json',
    ]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toEqual({
      error: { code: 'deactivated', message: expect.stringContaining('deactivated') },
    });
    expect(refused.stderr).toBe('');
    const listed = await ddiJson<Array<{ did: string; deactivated?: boolean }>>(['did', 'list']);
    expect(listed.find((d) => d.did === sm2Did)?.deactivated).toBe(true);
  });

  it('reads transactions and blocks', async () => {
    const created = await ddiJson<{ txId: string; status: { height: number } }>([
      'did',
      'create',
      '--type',
      'secp256k1',
    ]);
    const status = await ddiJson<{ status: string; height: number }>([
      'tx',
      'status',
      created.txId,
    ]);
    expect(status).toMatchObject({ status: 'committed', height: created.status.height });
    const block = await ddiJson<{ header: { height: number }; txIds: string[] }>([
      'block',
      'get',
      String(status.height),
    ]);
    expect(block.txIds).toContain(created.txId);
    const latest = await ddiJson<{ header: { height: number } }>(['block', 'get', 'latest']);
    expect(latest.header.height).toBeGreaterThanOrEqual(status.height);
    const human = await ddi(['tx', 'status', created.txId]);
    expect(human.stdout).toMatch(/^committed in block \d+/);
    const unknown = await ddi(['tx', 'status', '0'.repeat(64)]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error \[notFound\]/);
  });

  it('refuses a wrong or missing passphrase with keystoreLocked', async () => {
    const wrong = await ddi(['key', 'list'], { DDI_PASSPHRASE: 'not the passphrase' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error \[keystoreLocked\]: /);
    const wrongJson = await ddi(['did', 'list', '--json'], { DDI_PASSPHRASE: 'nope' });
    expect(JSON.parse(wrongJson.stdout).error.code).toBe('keystoreLocked');
    // No DDI_PASSPHRASE and no terminal to ask on: a clear error, not a hang.
    const missing = await ddi(['key', 'list'], { DDI_PASSPHRASE: undefined });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error \[keystoreLocked\]: .*DDI_PASSPHRASE/);
  });

  it('exits 2 on usage errors', async () => {
    const badType = await ddi(['did', 'create', '--type', 'rsa']);
    expect(badType.code).toBe(2);
    expect(badType.stderr).toMatch(/^error \[usage\]: /);
    const badService = await ddi(['did', 'update', edDid, '--add-service', 'only-an-id', '--json']);
    expect(badService.code).toBe(2);
    expect(JSON.parse(badService.stdout).error.code).toBe('usage');
    expect((await ddi(['did', 'update', edDid])).code).toBe(2);
    expect((await ddi(['no-such-command'])).code).toBe(2);
  });

  it('imports the development regulator and governs the quick-start node with it', async () => {
    // The node process has the test runner's environment: decrypt with the same passphrase.
    const env = { DDI_OPERATOR_PASSPHRASE: process.env.DDI_OPERATOR_PASSPHRASE };
    const importArgs = ['key', 'import-dev-regulator', '--data-dir', join(dir, 'node'), '--json'];
    const run = await ddi(importArgs, env);
    expect(run.code, run.stdout).toBe(0);
    const imported = JSON.parse(run.stdout) as {
      regulator: string;
      keys: Array<{ role: string; name: string }>;
    };
    expect(imported.keys.map((k) => k.role)).toEqual(['signing', 'recovery', 'governance']);
    const shown = await ddiJson<{ regulator: string; threshold: number; held: unknown[] }>([
      'gov',
      'show',
    ]);
    expect(shown).toMatchObject({ regulator: imported.regulator, threshold: 1 });
    expect(shown.held).toHaveLength(1);
    // Importing again changes nothing: the keys are recognised by their public halves.
    const again = JSON.parse((await ddi(importArgs, env)).stdout) as typeof imported;
    expect(again.keys).toEqual(imported.keys);
    expect(imported.keys.map((k) => k.name)).toEqual([
      'regulator-key-1',
      'regulator-recovery',
      'regulator-gov-1',
    ]);
    const subject = (await ddi(['did', 'create'])).stdout.trim();
    const id = (
      await ddi([
        'gov',
        'accredit',
        subject,
        '--role',
        'applicationServiceProvider',
        '--valid-until',
        '30d',
      ])
    ).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const check = await ddiJson<{ accredited: boolean }>([
      'trust',
      'check',
      subject,
      '--role',
      'applicationServiceProvider',
    ]);
    expect(check.accredited).toBe(true);
    const missing = await ddi(['key', 'import-dev-regulator', '--data-dir', join(dir, 'nowhere')]);
    expect(missing.stderr).toMatch(/^error \[notFound\]/);
    const locked = await ddi(importArgs, {
      DDI_OPERATOR_PASSPHRASE: 'not the operator passphrase',
    });
    expect(locked.code).toBe(1);
  });

  it('keeps the keystore encrypted, 0600, with no private key in plaintext', () => {
    const bytes = readFileSync(keystore);
    expect(statSync(keystore).mode & 0o777).toBe(0o600);
    const store = Keystore.open(keystore, PASSPHRASE);
    expect(store.keys().length).toBeGreaterThan(5);
    for (const key of store.keys()) {
      expect(bytes.includes(Buffer.from(key.privateKeyJwk.d!))).toBe(false);
    }
  });
});

describe('ddi node start', () => {
  it('reports the URL it listens on (--port 0) as JSON and stops on SIGINT', async () => {
    const child = spawn(
      process.execPath,
      [DDI_BIN, 'node', 'start', '--port', '0', '--data-dir', join(dir, 'node-json'), '--json'],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } },
    );
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const info = await new Promise<{ url: string; chainId: string; created: string[] }>(
      (resolve, reject) => {
        child.stdout.on('data', () => {
          try {
            resolve(JSON.parse(stdout));
          } catch {
            // not the whole document yet
          }
        });
        child.once('exit', (code) => reject(new Error(`node exited with ${code}`)));
      },
    );
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    expect(info.created).toHaveLength(2);
    const status = (await (await fetch(`${info.url}/v1/status`)).json()) as { chainId: string };
    expect(status.chainId).toBe(info.chainId);
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    // Exactly one JSON document, nothing else, on stdout.
    expect(JSON.parse(stdout)).toEqual(info);
  });
});
