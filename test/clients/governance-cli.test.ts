import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { usccCheckCharacter } from '../../src/core/org/unified-social-credit-code.ts';
import type { Transaction } from '../../src/ledger/transaction.ts';
import { startNodeProcess, stopGracefully, runDdi } from '../helpers/node-process.ts';
import type { CliRun } from '../helpers/node-process.ts';
import type { NodeProcess } from '../helpers/node-process.ts';
import { tempDir } from '../helpers/temp-node.ts';

// The operator and regulator walkthrough of the README, as real processes: a network made
// by `ddi network init` (2-of-3 governance keys), a node started from its genesis, and
// governance by the CLI — including signatures collected in two steps.

const { dir, cleanup } = tempDir('ddi-gov-cli-');
const keystore = join(dir, 'wallet.json');
const nodeDir = join(dir, 'node');
const genesisFile = join(dir, 'genesis.json');
const DEGREE = 'UniversityDegreeCredential';
const CODE = '91350100M000200Y4' + usccCheckCharacter('91350100M000200Y4');
let node: NodeProcess | undefined;

type Run = CliRun;

/** Runs `ddi …` as a subprocess with the test keystore (and the node, once it runs). */
function ddi(args: string[]): Promise<Run> {
  return runDdi(args, {
    HOME: dir,
    DDI_KEYSTORE: keystore,
    DDI_PASSPHRASE: 'governance walkthrough',
    ...(node ? { DDI_NODE: node.url } : {}),
  });
}

/** A command that must succeed; its stdout without the final newline. */
async function ok(args: string[]): Promise<string> {
  const run = await ddi(args);
  expect(run.code, `${args.join(' ')}\n${run.stderr}`).toBe(0);
  return run.stdout.trim();
}

/** A command that must succeed with --json; its one JSON document. */
async function okJson<T = Record<string, unknown>>(args: string[]): Promise<T> {
  return JSON.parse(await ok([...args, '--json'])) as T;
}

/** A template file for a degree under `id`. */
function writeTemplate(file: string, id: string): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    JSON.stringify({
      id,
      version: 1,
      credentialType: DEGREE,
      schema: {
        type: 'object',
        properties: { degree: { type: 'string' } },
        required: ['degree'],
      },
      display: { 'zh-CN': { name: '学位证书' }, en: { name: 'University degree' } },
    }),
  );
  return path;
}
afterAll(async () => {
  if (node) expect(await stopGracefully(node.child)).toBe(0);
  cleanup();
});

describe('ddi network init and governance from the CLI', () => {
  let regulator = '';
  let authority = '';
  let issuer = '';
  let agency = '';
  let organization = '';
  let authorityAcc = '';
  let issuerAcc = '';
  let beforeSuspension = '';

  it('refuses a genesis without operators, pointing at `ddi node key`', async () => {
    const run = await ddi(['network', 'init', '--chain-id', 'ddi-gov-cli', '--out', genesisFile]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error \[usage\]: .*ddi node key --data-dir/);
  });

  it('writes a 2-of-3 genesis and starts a node from it', async () => {
    const operatorKey = await ok(['node', 'key', '--data-dir', nodeDir]);
    expect(operatorKey).toMatch(/^z6Mk/);
    // Asking again gives the same key: it is the node's, kept in its data directory.
    expect(await ok(['node', 'key', '--data-dir', nodeDir])).toBe(operatorKey);
    const init = await okJson<{
      regulator: string;
      threshold: number;
      governanceKeys: Array<{ id: string; name: string }>;
    }>([
      'network',
      'init',
      '--chain-id',
      'ddi-gov-cli',
      '--regulator-keys',
      '3',
      '--threshold',
      '2',
      '--operator-key',
      operatorKey,
      '--out',
      genesisFile,
    ]);
    regulator = init.regulator;
    expect(init.governanceKeys.map((k) => k.name)).toEqual([
      'regulator-gov-1',
      'regulator-gov-2',
      'regulator-gov-3',
    ]);
    const genesis = JSON.parse(readFileSync(genesisFile, 'utf8')) as {
      operators: Array<{ publicKeyMultibase: string }>;
      governance: { regulator: string; threshold: number; keys: unknown[] };
    };
    expect(genesis.operators.map((o) => o.publicKeyMultibase)).toEqual([operatorKey]);
    expect(genesis.governance).toMatchObject({ regulator, threshold: 2 });
    expect(genesis.governance.keys).toHaveLength(3);
    // A second init into the same file is refused rather than overwriting the network.
    const again = await ddi([
      'network',
      'init',
      '--chain-id',
      'x',
      '--operator-key',
      operatorKey,
      '--out',
      genesisFile,
      '--name',
      'other',
    ]);
    expect(again.stderr).toMatch(/^error \[conflict\]/);

    node = await startNodeProcess(nodeDir, undefined, ['--genesis', genesisFile]);
    const shown = await okJson<{ regulator: string; threshold: number; held: unknown[] }>([
      'gov',
      'show',
    ]);
    expect(shown).toMatchObject({ regulator, threshold: 2 });
    expect(shown.held).toHaveLength(3);
  });

  it('creates the DIDs of an authority, an issuer, an agency and an organization', async () => {
    authority = await ok(['did', 'create', '--type', 'sm2']);
    issuer = await ok(['did', 'create']);
    agency = await ok(['did', 'create']);
    organization = await ok(['did', 'create', '--type', 'sm2']);
    for (const did of [authority, issuer, agency, organization]) expect(did).toMatch(/^did:ddi:/);
  });

  it('accredits the authority with two governance keys signed apart', async () => {
    const tx = join(dir, 'accredit-authority.json');
    const accreditArgs = [
      'gov',
      'accredit',
      authority,
      '--role',
      'accreditationAuthority',
      '--type',
      DEGREE,
      '--valid-until',
      '730d',
    ];
    // One signature is not sent: it could only be refused.
    const short = await ddi([...accreditArgs, '--signers', 'regulator-gov-1']);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^error \[unauthorized\]: .*1 of the 2 .*--sign-only/);

    const signed = await okJson<{ signedBy: string[]; threshold: number; out: string }>([
      ...accreditArgs,
      '--signers',
      'regulator-gov-1',
      '--sign-only',
      '--out',
      tx,
    ]);
    expect(signed).toMatchObject({ signedBy: ['gov-1'], threshold: 2, out: tx });
    const early = await ddi(['gov', 'submit', tx]);
    expect(early.stderr).toMatch(/^error \[unauthorized\]/);

    // The holder of gov-3 adds a proof to the file; then anyone submits it.
    const second = await okJson<{ signedBy: string[] }>([
      'gov',
      'sign',
      tx,
      '--signers',
      'regulator-gov-3',
    ]);
    expect(second.signedBy).toEqual(['gov-1', 'gov-3']);
    const file = JSON.parse(readFileSync(tx, 'utf8')) as Transaction;
    expect(file.proofs.map((p) => p.kid)).toEqual([`${regulator}#gov-1`, `${regulator}#gov-3`]);
    authorityAcc = await ok(['gov', 'submit', tx]);
    expect(authorityAcc).toMatch(/^[0-9a-f]{64}$/);

    const shown = await okJson<{ subject: string; grantedBy: string; status: string }>([
      'trust',
      'show',
      authorityAcc,
    ]);
    expect(shown).toMatchObject({ subject: authority, grantedBy: regulator, status: 'active' });
  });

  it('accredits an agency with the keystore’s governance keys (default signers)', async () => {
    const id = await ok([
      'gov',
      'accredit',
      agency,
      '--role',
      'identityVerificationAgency',
      '--valid-until',
      new Date(Date.now() + 90 * 86_400_000).toISOString(),
    ]);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const list = await okJson<Array<{ id: string; role: string }>>(['trust', 'list', agency]);
    expect(list).toEqual([expect.objectContaining({ id, role: 'identityVerificationAgency' })]);
  });

  it('lets the authority accredit an issuer for its type, and refuses another type', async () => {
    const outside = await ddi([
      'trust',
      'accredit',
      issuer,
      '--authority',
      authority,
      '--type',
      'DrivingLicenseCredential',
      '--valid-until',
      '365d',
    ]);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/^error \[unauthorized\]/);
    issuerAcc = await ok([
      'trust',
      'accredit',
      issuer,
      '--authority',
      authority,
      '--type',
      DEGREE,
      '--valid-until',
      '365d',
    ]);
    expect(issuerAcc).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lets the issuer register a template', async () => {
    await ok([
      'template',
      'register',
      writeTemplate('degree.json', 'edu.example.degree'),
      '--issuer',
      issuer,
    ]);
    const record = await okJson<{ issuer: string; template: { version: number } }>([
      'template',
      'get',
      'edu.example.degree',
    ]);
    expect(record).toMatchObject({ issuer, template: { version: 1 } });
    // (Another id: the same body signed by someone else would be the same transaction.)
    const other = await ddi([
      'template',
      'register',
      writeTemplate('other.json', 'edu.example.other'),
      '--issuer',
      agency,
    ]);
    expect(other.stderr).toMatch(/^error \[unauthorized\]/);
  });

  it('checks the issuer before and after a suspension of its authority, now and --at', async () => {
    const check = ['trust', 'check', issuer, '--role', 'credentialIssuer', '--type', DEGREE];
    const now = await okJson<{ accredited: boolean; chain: Array<{ id: string }> }>(check);
    expect(now.accredited).toBe(true);
    expect(now.chain.map((a) => a.id)).toEqual([issuerAcc, authorityAcc]);
    beforeSuspension = new Date().toISOString();

    const suspended = await ok(['gov', 'suspend', authorityAcc, '--reason', 'audit']);
    expect(suspended).toContain('suspended');
    const after = await okJson<{ accredited: boolean; reason: string }>(check);
    expect(after).toMatchObject({ accredited: false, reason: 'grantor suspended' });
    const then = await okJson<{ accredited: boolean; at: string }>([
      ...check,
      '--at',
      beforeSuspension,
    ]);
    expect(then).toMatchObject({ accredited: true, at: beforeSuspension });
    const human = await ok([...check, '--at', beforeSuspension]);
    expect(human).toMatch(/^accredited: /);
    expect(await ok(check)).toMatch(/^not accredited \(grantor suspended\)/);

    const status = await okJson<{ height: number }>(['tx', 'status', issuerAcc]);
    const byHeight = await okJson<{ accredited: boolean; height: number }>([
      ...check,
      '--height',
      String(status.height),
    ]);
    expect(byHeight).toMatchObject({ accredited: true, height: status.height });

    await ok(['gov', 'reinstate', authorityAcc]);
    expect((await okJson<{ accredited: boolean }>(check)).accredited).toBe(true);
  });

  it('lets the granting authority revoke its grant', async () => {
    await ok(['trust', 'revoke', issuerAcc, '--reason', 'closed']);
    const shown = await okJson<{ status: string; history: Array<{ status: string }> }>([
      'trust',
      'show',
      issuerAcc,
    ]);
    expect(shown.status).toBe('revoked');
    expect(shown.history.map((h) => h.status)).toEqual(['active', 'revoked']);
  });

  it('registers an organization as the accredited agency', async () => {
    await ok([
      'org',
      'register',
      '--uscc',
      CODE,
      '--did',
      organization,
      '--kind',
      'business',
      '--agency',
      agency,
    ]);
    const record = await okJson<{ primaryDid: string; registeredBy: string }>(['org', 'get', CODE]);
    expect(record).toMatchObject({ primaryDid: organization, registeredBy: agency });
    expect(await okJson(['org', 'get', organization])).toEqual(record);
    const both = await ddi([
      'org',
      'register',
      '--uscc',
      CODE,
      '--did',
      organization,
      '--agency',
      agency,
      '--governance',
    ]);
    expect(both.code).toBe(2);
  });

  it('blocklists with the governance keys and changes the threshold', async () => {
    await ok(['gov', 'blocklist', organization, '--reason', 'fraud']);
    const check = await okJson<{ reason: string }>([
      'trust',
      'check',
      organization,
      '--role',
      'operator',
    ]);
    expect(check.reason).toBe('blocklisted');
    await ok(['gov', 'unblocklist', organization]);
    await ok(['gov', 'set-threshold', '3']);
    // Default signers now take all three held keys.
    await ok(['gov', 'set-threshold', '2']);
    expect((await okJson<{ threshold: number; version: number }>(['gov', 'show'])).version).toBe(3);
  });

  it('parses --valid-until durations and refuses bad times as usage errors', async () => {
    const bad = await ddi([
      'gov',
      'accredit',
      agency,
      '--role',
      'applicationServiceProvider',
      '--valid-until',
      'next year',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error \[usage\]: --valid-until/);
    const at = await ddi(['trust', 'check', agency, '--role', 'operator', '--at', 'yesterday']);
    expect(at.code).toBe(2);
  });
});
