import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runDdi, startNodeProcess, stopGracefully } from '../helpers/node-process.ts';
import type { CliRun, NodeProcess } from '../helpers/node-process.ts';
import { tempDir } from '../helpers/temp-node.ts';

// `ddi consent …` against a real node process: a person grants an application access,
// lists, checks, revokes, and checks again.

const { dir, cleanup } = tempDir('ddi-consent-cli-');
const keystore = join(dir, 'wallet.json');
const nodeDir = join(dir, 'node');
let node: NodeProcess;
let person = '';
let shop = '';

function ddi(args: string[]): Promise<CliRun> {
  return runDdi(args, {
    HOME: dir,
    DDI_NODE: node.url,
    DDI_KEYSTORE: keystore,
    DDI_PASSPHRASE: 'consent walkthrough',
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
  person = await ok(['did', 'create']);
  shop = await ok(['did', 'create']);
}, 60_000);
afterAll(async () => {
  if (node) expect(await stopGracefully(node.child)).toBe(0);
  cleanup();
});

describe('ddi consent', () => {
  it('grants, lists, checks allowed, revokes, and checks refused', async () => {
    const grantId = await ok([
      'consent',
      'grant',
      '--grantor',
      person,
      '--grantee',
      shop,
      '--scope',
      'contact',
      '--scope',
      'identity.basic',
      '--purpose',
      'delivery',
      '--expires',
      '30d',
    ]);
    expect(grantId).toMatch(/^[A-Za-z0-9_-]{16}$/);

    const listed = await okJson<{ grants: Array<{ grantId: string; status: string }> }>([
      'consent',
      'list',
      '--grantor',
      person,
    ]);
    expect(listed.grants).toEqual([
      expect.objectContaining({ grantId, status: 'active', scopes: ['contact', 'identity.basic'] }),
    ]);
    expect(await ok(['consent', 'list', '--grantee', shop])).toMatch(
      new RegExp(`^${grantId}\\tactive\\tcontact,identity.basic\\tdelivery`),
    );

    const check = [
      'consent',
      'check',
      '--grantor',
      person,
      '--grantee',
      shop,
      '--scope',
      'contact',
    ];
    expect(await ok(check)).toBe(`allowed (grant ${grantId})`);
    expect(await okJson([...check, '--purpose', 'delivery'])).toMatchObject({
      allowed: true,
      grant: { grantId },
    });

    const revoked = await okJson(['consent', 'revoke', grantId, '--reason', 'moved-away']);
    expect(revoked).toMatchObject({ grantId, grantStatus: 'revoked' });
    expect(await ok(check)).toBe(`refused: revoked (grant ${grantId})`);
    expect(await okJson(check)).toMatchObject({ allowed: false, reason: 'revoked' });
    expect(await ok(['consent', 'show', grantId])).toMatch(/ended\s+revoked by /);
  });

  it('reports refusals with their codes', async () => {
    // A sensitive category bundled with another: the ledger refuses it.
    const bundled = await ddi([
      'consent',
      'grant',
      '--grantor',
      person,
      '--grantee',
      shop,
      '--scope',
      'health',
      '--scope',
      'contact',
      '--purpose',
      'care',
      '--expires',
      '30d',
      '--json',
    ]);
    expect(bundled.code).toBe(1);
    expect(JSON.parse(bundled.stdout).error).toMatchObject({
      code: 'malformed',
      details: { reason: 'sensitiveBundled' },
    });
    // An unknown category never reaches the node.
    const unknown = await ddi([
      'consent',
      'check',
      '--grantor',
      person,
      '--grantee',
      shop,
      '--scope',
      'dna',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--scope must be a data category/);
    // Revoking twice: the same transaction is a replay, another one a conflict.
    const grantId = await ok([
      'consent',
      'grant',
      '--grantor',
      person,
      '--grantee',
      shop,
      '--scope',
      'location',
      '--purpose',
      'delivery tracking',
      '--expires',
      '1d',
    ]);
    await ok(['consent', 'revoke', grantId]);
    const replayed = await ddi(['consent', 'revoke', grantId]);
    expect(replayed.code).toBe(1);
    expect(replayed.stderr).toMatch(/^error \[replay\]/);
    const again = await ddi(['consent', 'revoke', grantId, '--reason', 'again']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error \[conflict\]/);
    const listing = await ddi(['consent', 'list']);
    expect(listing.code).toBe(2);
  });
});
