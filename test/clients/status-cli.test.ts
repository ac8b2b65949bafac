import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startNodeProcess, stopGracefully, runDdi } from '../helpers/node-process.ts';
import type { CliRun } from '../helpers/node-process.ts';
import type { NodeProcess } from '../helpers/node-process.ts';
import { tempDir } from '../helpers/temp-node.ts';

// `ddi status …` against a real node process: the quick-start node, its development
// regulator imported into the keystore, and an issuer it accredits.

const { dir, cleanup } = tempDir('ddi-status-cli-');
const keystore = join(dir, 'wallet.json');
const nodeDir = join(dir, 'node');
let node: NodeProcess;
let issuer = '';

type Run = CliRun;

function ddi(args: string[]): Promise<Run> {
  return runDdi(args, {
    HOME: dir,
    DDI_NODE: node.url,
    DDI_KEYSTORE: keystore,
    DDI_PASSPHRASE: 'status walkthrough',
    // The node process decrypts its development regulator with the runner's passphrase.
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

beforeAll(async () => {
  node = await startNodeProcess(nodeDir);
  await ok(['key', 'import-dev-regulator', '--data-dir', nodeDir]);
  issuer = await ok(['did', 'create']);
  await ok([
    'gov',
    'accredit',
    issuer,
    '--role',
    'credentialIssuer',
    '--type',
    'DegreeCredential',
    '--valid-until',
    '30d',
  ]);
}, 60_000);
afterAll(async () => {
  if (node) expect(await stopGracefully(node.child)).toBe(0);
  cleanup();
});

describe('ddi status', () => {
  it('creates a list, then revokes, suspends and reinstates entries, and reads them', async () => {
    const listId = await ok(['status', 'create', '--issuer', issuer]);
    expect(listId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const named = await okJson<{ owner: string; listId: string; purpose: string }>([
      'status',
      'create',
      '--issuer',
      issuer,
      '--purpose',
      'revocation',
      '--size',
      '262144',
      '--list-id',
      'degrees-2026-revocation',
    ]);
    expect(named).toMatchObject({
      owner: issuer,
      listId: 'degrees-2026-revocation',
      purpose: 'revocation',
    });

    await ok(['status', 'revoke', '--issuer', issuer, '--list', listId, '--index', '17']);
    const suspended = await okJson<{ status: string; index: number }>([
      'status',
      'suspend',
      '--issuer',
      issuer,
      '--list',
      listId,
      '--index',
      '99000',
    ]);
    expect(suspended).toMatchObject({ status: 'suspended', index: 99000 });
    expect(await ok(['status', 'get', issuer, listId, '--index', '17'])).toBe('revoked');
    expect(await ok(['status', 'get', issuer, listId, '--index', '99000'])).toBe('suspended');
    await ok(['status', 'reinstate', '--issuer', issuer, '--list', listId, '--index', '99000']);
    expect(await ok(['status', 'get', issuer, listId, '--index', '99000'])).toBe('valid');

    const list = await okJson<{ version: number; bits: number; lst: string }>([
      'status',
      'get',
      issuer,
      listId,
    ]);
    expect(list).toMatchObject({ version: 4, bits: 2 });
    expect(await ok(['status', 'get', issuer, 'degrees-2026-revocation'])).toMatch(
      /purpose\s+revocation, 262144 entries of 1 bit/,
    );
  });

  it('reports refusals with their codes', async () => {
    const listId = await ok(['status', 'create', '--issuer', issuer]);
    await ok(['status', 'revoke', '--issuer', issuer, '--list', listId, '--index', '3']);
    const final = await ddi([
      'status',
      'reinstate',
      '--issuer',
      issuer,
      '--list',
      listId,
      '--index',
      '3',
    ]);
    expect(final.code).toBe(1);
    expect(final.stderr).toMatch(/^error \[conflict\]: .*revocation is final/);
    const range = await ddi(['status', 'get', issuer, listId, '--index', '131072']);
    expect(range.stderr).toMatch(/^error \[malformed\]/);
    expect((await ddi(['status', 'get', issuer, 'NoSuchList1'])).stderr).toMatch(
      /^error \[notFound\]/,
    );
    const notAccredited = await ok(['did', 'create']);
    expect((await ddi(['status', 'create', '--issuer', notAccredited])).stderr).toMatch(
      /^error \[unauthorized\]/,
    );
    const usage = await ddi([
      'status',
      'revoke',
      '--issuer',
      issuer,
      '--list',
      listId,
      '--index',
      'x',
    ]);
    expect(usage.code).toBe(2);
    expect((await ddi(['status', 'get', 'not-a-did', listId])).code).toBe(2);
  });
});
