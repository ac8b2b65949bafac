import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runDdi, startNodeProcess, stopGracefully } from '../helpers/node-process.ts';
import type { CliRun, NodeProcess } from '../helpers/node-process.ts';
import { tempDir } from '../helpers/temp-node.ts';

// `ddi app …` against a real node process: an application registers its own DID, the
// development regulator suspends, reinstates and requires an accreditation.

const { dir, cleanup } = tempDir('ddi-app-cli-');
const keystore = join(dir, 'keystore.json');
const nodeDir = join(dir, 'node');
let node: NodeProcess;

function ddi(args: string[]): Promise<CliRun> {
  return runDdi(args, {
    HOME: dir,
    DDI_NODE: node.url,
    DDI_KEYSTORE: keystore,
    DDI_PASSPHRASE: 'app walkthrough',
    ...(process.env.DDI_OPERATOR_PASSPHRASE
      ? { DDI_OPERATOR_PASSPHRASE: process.env.DDI_OPERATOR_PASSPHRASE }
      : {}),
  });
}

async function ok(args: string[]): Promise<string> {
  const run = await ddi(args);
  expect(run.code, `${args.join(' ')}\n${run.stderr}${run.stdout}`).toBe(0);
  return run.stdout.trim();
}

async function okJson<T = Record<string, unknown>>(args: string[]): Promise<T> {
  return JSON.parse(await ok([...args, '--json'])) as T;
}

async function fails(args: string[], code: string): Promise<void> {
  const run = await ddi([...args, '--json']);
  expect(run.code, `${args.join(' ')}\n${run.stderr}${run.stdout}`).toBe(1);
  expect((JSON.parse(run.stdout) as { error: { code: string } }).error.code).toBe(code);
}

beforeAll(async () => {
  node = await startNodeProcess(nodeDir);
  await ok(['key', 'import-dev-regulator', '--data-dir', nodeDir]);
}, 60_000);
afterAll(async () => {
  if (node) expect(await stopGracefully(node.child)).toBe(0);
  cleanup();
});

describe('ddi app', () => {
  it('registers, shows, suspends, reinstates and requires an accreditation', async () => {
    const app = await ok(['did', 'create']);
    await fails(['app', 'show', app], 'notFound');
    await fails(
      ['app', 'register', app, '--name', 'Shop', '--redirect-uri', 'http://shop.example/cb'],
      'malformed',
    );
    await ok([
      'app',
      'register',
      app,
      '--name',
      'Example Shop',
      '--redirect-uri',
      'https://shop.example/callback',
    ]);
    const shown = await okJson<{ application: { name: string }; mayAuthenticate: boolean }>([
      'app',
      'show',
      app,
    ]);
    expect(shown).toMatchObject({ application: { name: 'Example Shop' }, mayAuthenticate: true });
    expect(await ok(['app', 'show', app])).toContain('sign-in    allowed');

    await ok(['app', 'suspend', app, '--reason', 'complaint']);
    expect(await okJson(['app', 'show', app])).toMatchObject({
      application: { status: 'suspended' },
      mayAuthenticate: false,
      refusal: 'applicationSuspended',
    });
    await fails(['app', 'suspend', app], 'conflict');
    await ok(['app', 'reinstate', app]);
    await ok(['app', 'require-accreditation', app]);
    expect(await okJson(['app', 'show', app])).toMatchObject({
      mayAuthenticate: false,
      refusal: 'applicationNotAccredited',
    });
    await ok([
      'gov',
      'accredit',
      app,
      '--role',
      'applicationServiceProvider',
      '--valid-until',
      '30d',
    ]);
    expect(await okJson(['app', 'show', app])).toMatchObject({
      mayAuthenticate: true,
      accreditation: { required: true, held: true },
    });
    await ok(['app', 'update', app, '--name', 'Example Shop 2']);
    expect(await okJson(['app', 'show', app])).toMatchObject({
      application: { name: 'Example Shop 2', version: 5 },
    });
    // Not a DID at all: refused before the node is asked.
    expect((await ddi(['app', 'show', 'did:ddi:not-a-did'])).code).toBe(2);
    // And the node itself refuses one with a clear code.
    const response = await fetch(`${node.url}/v1/applications/did%3Aweb%3Aexample.com`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('malformed');
  }, 120_000);
});
