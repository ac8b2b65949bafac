import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StatusIndexAllocator } from '../../src/services/status/status-index-allocator.ts';
import { STATUS_INDEX_FILE } from '../../src/services/status/status-index-allocator.ts';
import {
  DDI_BIN,
  freePort,
  REPO_ROOT,
  runDdi,
  startNodeProcess,
  stopGracefully,
} from '../helpers/node-process.ts';
import type { CliRun, NodeProcess } from '../helpers/node-process.ts';
import { DEGREE, DEGREE_CLAIMS, degreeTemplate, TEMPLATE_ID } from '../helpers/issuer-network.ts';
import { tempDir } from '../helpers/temp-node.ts';

// The issue's "done when" flow with nothing but `ddi` processes: a node, an SM2 issuer DID
// accredited by the development regulator, its template, `ddi issuer start` running as a
// long-lived process, offers, the CLI wallet receiving and presenting, and revocation,
// suspension and reinstatement by `ddi status`. The test plays the relying party: it asks the
// node's verifier for a request and hands it the wallet's answer.

const { dir, cleanup } = tempDir('ddi-credentials-cli-');
const keystore = join(dir, 'keystore.json');
const nodeDir = join(dir, 'node');
const issuerDir = join(dir, 'issuer');
const OPERATOR_TOKEN = 'cli-e2e-operator-token';
/** Four credentials per status list (of 131,072 entries): the fifth starts a new list. */
const FOUR_PER_LIST = String(4 / 131_072);

let node: NodeProcess;
let issuerProcess: IssuerProcess | undefined;
let issuer = '';
let holder = '';

function env(): Record<string, string> {
  return {
    HOME: dir,
    DDI_NODE: node.url,
    DDI_KEYSTORE: keystore,
    DDI_PASSPHRASE: 'credentials walkthrough',
    DDI_ISSUER_TOKEN: OPERATOR_TOKEN,
    // The node process decrypts its development regulator with the runner's passphrase.
    ...(process.env.DDI_OPERATOR_PASSPHRASE
      ? { DDI_OPERATOR_PASSPHRASE: process.env.DDI_OPERATOR_PASSPHRASE }
      : {}),
  };
}

const ddi = (args: string[]): Promise<CliRun> => runDdi(args, env());

async function ok(args: string[]): Promise<string> {
  const run = await ddi(args);
  expect(run.code, `${args.join(' ')}\n${run.stderr}${run.stdout}`).toBe(0);
  return run.stdout.trim();
}

async function okJson<T = Record<string, unknown>>(args: string[]): Promise<T> {
  return JSON.parse(await ok([...args, '--json'])) as T;
}

interface IssuedEvent {
  event: 'issued';
  offerId: string;
  format: string;
  credentialType: string;
  holder?: string;
  status: { listId: string; idx: number; uri: string };
}

/** `ddi issuer start … --json` as a running process: its JSON lines, one per event. */
interface IssuerProcess {
  child: ChildProcess;
  url: string;
  statusList: string;
  /** Waits for the `n`-th issuance event (1-based) the process printed. */
  issued(n: number): Promise<IssuedEvent>;
}

async function startIssuerProcess(extraArgs: string[] = []): Promise<IssuerProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      DDI_BIN,
      'issuer',
      'start',
      '--issuer',
      issuer,
      '--template',
      TEMPLATE_ID,
      '--port',
      String(port),
      '--data-dir',
      issuerDir,
      '--json',
      ...extraArgs,
    ],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, ...env() },
    },
  );
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  child.stdout!.on('data', (d) => {
    stdout += d;
    wake();
  });
  child.stderr!.on('data', (d) => (stderr += d));
  child.once('exit', wake);
  const lines = () =>
    stdout
      .split('\n')
      .slice(0, -1) // complete lines only
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  /** The first JSON line `pick` accepts, once the process has printed it. */
  const next = async <T>(pick: (lines: Record<string, unknown>[]) => T | undefined): Promise<T> => {
    for (;;) {
      const found = pick(lines());
      if (found !== undefined) return found;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`ddi issuer start exited (${child.exitCode}):\n${stdout}${stderr}`);
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const started = await next((l) => l.find((e) => typeof e.url === 'string'));
  return {
    child,
    url: started.url as string,
    statusList: started.statusList as string,
    issued: (n) =>
      next((l) => l.filter((e) => e.event === 'issued')[n - 1] as IssuedEvent | undefined),
  };
}

/** `ddi issuer offer` then `ddi wallet receive`: the wallet's summary of the credential. */
async function offerAndReceive(
  format: 'dc+sd-jwt' | 'jwt_vc_json',
): Promise<{ id: string; type: string; issuer: string; claimNames: string[] }> {
  const offerUri = (
    await ok([
      'issuer',
      'offer',
      '--template',
      TEMPLATE_ID,
      '--claims',
      join(dir, 'claims.json'),
      '--holder',
      holder,
      '--issuer-url',
      issuerProcess!.url,
    ])
  ).split('\n')[0]!;
  expect(offerUri).toMatch(/^openid-credential-offer:\/\/\?credential_offer_uri=http/);
  return okJson(['wallet', 'receive', offerUri, '--holder', holder, '--format', format]);
}

async function postToNode(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

interface Verdict {
  verified: boolean;
  reasons: string[];
  issuer?: string;
  claims?: Record<string, unknown>;
}

/**
 * The relying party asks the node's verifier for a request (2 of the 8 claims), the wallet
 * answers it with `ddi wallet present`, and the verifier judges the answer.
 */
async function presentToVerifier(
  format: 'dc+sd-jwt' | 'jwt_vc_json',
  credentialId?: string,
): Promise<Verdict & { replay: () => Promise<Verdict> }> {
  const sd = format === 'dc+sd-jwt';
  const request = await postToNode('/v1/verifier/requests', {
    dcql_query: {
      credentials: [
        {
          id: 'degree',
          format,
          meta: sd ? { vct_values: [DEGREE] } : { type_values: [['VerifiableCredential', DEGREE]] },
          claims: sd
            ? [{ path: ['degree'] }, { path: ['university'] }]
            : [
                { path: ['credentialSubject', 'degree'] },
                { path: ['credentialSubject', 'university'] },
              ],
        },
      ],
    },
  });
  const { vp_token } = await okJson<{ vp_token: Record<string, string[]> }>([
    'wallet',
    'present',
    '--request',
    JSON.stringify(request),
    ...(credentialId ? ['--credential', credentialId] : []),
  ]);
  const body = { nonce: request.nonce, format, presentation: vp_token.degree![0]! };
  const verdict = (await postToNode('/v1/verifier/presentations', body)) as unknown as Verdict;
  return {
    ...verdict,
    replay: async () =>
      (await postToNode('/v1/verifier/presentations', body)) as unknown as Verdict,
  };
}

const changeStatus = (verb: 'revoke' | 'suspend' | 'reinstate', e: IssuedEvent) =>
  okJson<{ status: string; index: number }>([
    'status',
    verb,
    '--issuer',
    issuer,
    '--list',
    e.status.listId,
    '--index',
    String(e.status.idx),
  ]);

beforeAll(async () => {
  node = await startNodeProcess(nodeDir);
  await ok(['key', 'import-dev-regulator', '--data-dir', nodeDir]);
  issuer = await ok(['did', 'create', '--type', 'sm2']);
  holder = await ok(['did', 'create']);
  writeFileSync(join(dir, 'template.json'), JSON.stringify(degreeTemplate()));
  writeFileSync(join(dir, 'claims.json'), JSON.stringify(DEGREE_CLAIMS));
}, 60_000);
afterAll(async () => {
  if (issuerProcess) await stopGracefully(issuerProcess.child);
  if (node) expect(await stopGracefully(node.child)).toBe(0);
  cleanup();
});

describe('credentials end to end through ddi processes', () => {
  it('an issuer is accredited by the regulator and registers its template', async () => {
    // Not accredited yet: the ledger refuses its template.
    const early = await ddi([
      'template',
      'register',
      join(dir, 'template.json'),
      '--issuer',
      issuer,
    ]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^error \[unauthorized\]/);
    await ok([
      'gov',
      'accredit',
      issuer,
      '--role',
      'credentialIssuer',
      '--type',
      DEGREE,
      '--valid-until',
      '30d',
    ]);
    const registered = await okJson<{ id: string; version: number }>([
      'template',
      'register',
      join(dir, 'template.json'),
      '--issuer',
      issuer,
    ]);
    expect(registered).toMatchObject({ id: TEMPLATE_ID, version: 1 });
  });

  let sdJwt: IssuedEvent;
  let vcJwt: IssuedEvent;
  let suspendable: IssuedEvent;
  let firstList = '';

  it('issues an SD-JWT VC and a vc+jwt over OpenID4VCI to the CLI wallet; the verifier accepts 2 of 8 claims', async () => {
    issuerProcess = await startIssuerProcess(['--status-fill', FOUR_PER_LIST]);
    firstList = issuerProcess.statusList;
    expect(firstList).toMatch(/^[A-Za-z0-9_-]{8,64}$/);

    const received = await offerAndReceive('dc+sd-jwt');
    expect(received).toMatchObject({ type: DEGREE, issuer });
    expect(received.claimNames).toHaveLength(8);
    sdJwt = await issuerProcess.issued(1);
    expect(sdJwt).toMatchObject({
      format: 'dc+sd-jwt',
      credentialType: DEGREE,
      holder,
      status: { listId: firstList, uri: `${issuerProcess.url}/status/${firstList}` },
    });
    await offerAndReceive('jwt_vc_json');
    vcJwt = await issuerProcess.issued(2);
    expect(vcJwt.status.listId).toBe(firstList);
    expect(vcJwt.status.idx).not.toBe(sdJwt.status.idx);

    const sd = await presentToVerifier('dc+sd-jwt');
    expect(sd.reasons).toEqual([]);
    expect(sd.verified).toBe(true);
    expect(sd.issuer).toBe(issuer);
    expect(sd.claims).toMatchObject({
      degree: DEGREE_CLAIMS.degree,
      university: DEGREE_CLAIMS.university,
    });
    for (const hidden of ['givenName', 'familyName', 'birthDate', 'nationality', 'year', 'gpa']) {
      expect(sd.claims).not.toHaveProperty(hidden);
    }
    // The same presentation again: its nonce is spent.
    const replayed = await sd.replay();
    expect(replayed.verified).toBe(false);
    expect(replayed.reasons).toContain('nonceUnknown');

    const vc = await presentToVerifier('jwt_vc_json');
    expect(vc.reasons).toEqual([]);
    expect(vc.verified).toBe(true);
  });

  it('`ddi status revoke` makes the verifier reject both with reason revoked', async () => {
    expect(await changeStatus('revoke', sdJwt)).toMatchObject({ status: 'revoked' });
    await changeStatus('revoke', vcJwt);
    for (const format of ['dc+sd-jwt', 'jwt_vc_json'] as const) {
      const verdict = await presentToVerifier(format);
      expect(verdict.verified).toBe(false);
      expect(verdict.reasons).toEqual(['revoked']);
    }
  });

  it('suspension rejects with reason suspended; reinstatement makes it acceptable again', async () => {
    const { id } = await offerAndReceive('dc+sd-jwt');
    suspendable = await issuerProcess!.issued(3);
    expect(suspendable.status.listId).toBe(firstList);
    // The wallet now holds two degree SD-JWT VCs; by default it answers with the first (the
    // revoked one), so the holder names the one to present.
    expect((await presentToVerifier('dc+sd-jwt')).reasons).toEqual(['revoked']);
    expect((await presentToVerifier('dc+sd-jwt', id)).verified).toBe(true);
    const request = {
      nonce: 'n-1',
      client_id: 'rp',
      dcql_query: {
        credentials: [{ id: 'd', format: 'dc+sd-jwt', meta: { vct_values: [DEGREE] } }],
      },
    };
    const unknown = await ddi([
      'wallet',
      'present',
      '--request',
      JSON.stringify(request),
      '--credential',
      'ffff0000',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error \[notFound\]: no credential ffff0000/);
    await changeStatus('suspend', suspendable);
    const suspended = await presentToVerifier('dc+sd-jwt', id);
    expect(suspended.verified).toBe(false);
    expect(suspended.reasons).toEqual(['suspended']);
    await changeStatus('reinstate', suspendable);
    const reinstated = await presentToVerifier('dc+sd-jwt', id);
    expect(reinstated.reasons).toEqual([]);
    expect(reinstated.verified).toBe(true);
  });

  it('a restarted issuer reuses its status list and never hands out an index twice; at the fill limit it starts a new list', async () => {
    expect(await stopGracefully(issuerProcess!.child)).toBe(0);
    const before = [sdJwt, vcJwt, suspendable].map((e) => e.status.idx);
    const badFill = await ddi([
      'issuer',
      'start',
      '--issuer',
      issuer,
      '--template',
      TEMPLATE_ID,
      '--data-dir',
      issuerDir,
      '--status-fill',
      '1.5',
    ]);
    expect(badFill.code).toBe(2);
    expect(badFill.stderr).toMatch(/^error \[usage\]: --status-fill is a share in \(0, 1\]/);
    issuerProcess = await startIssuerProcess(['--status-fill', FOUR_PER_LIST]);
    expect(issuerProcess.statusList).toBe(firstList);

    const fourthId = (await offerAndReceive('dc+sd-jwt')).id;
    const fourth = await issuerProcess.issued(1);
    expect(fourth.status.listId).toBe(firstList);
    expect(before).not.toContain(fourth.status.idx);
    // Four handed out: the fifth credential goes to a new list the issuer creates on the ledger.
    const fifthId = (await offerAndReceive('dc+sd-jwt')).id;
    const fifth = await issuerProcess.issued(2);
    expect(fifth.status.listId).not.toBe(firstList);
    expect(
      await ok(['status', 'get', issuer, fifth.status.listId, '--index', String(fifth.status.idx)]),
    ).toBe('valid');
    // Both lists are served by the issuer.
    for (const e of [fourth, fifth]) {
      const served = await fetch(e.status.uri);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toContain('application/statuslist+jwt');
    }
    // Credentials on both lists verify.
    for (const id of [fourthId, fifthId]) {
      expect((await presentToVerifier('dc+sd-jwt', id)).reasons).toEqual([]);
    }
    // The earlier revocation still holds on the first list.
    expect(
      await ok(['status', 'get', issuer, firstList, '--index', String(sdJwt.status.idx)]),
    ).toBe('revoked');

    expect(await stopGracefully(issuerProcess.child)).toBe(0);
    issuerProcess = undefined;
    // What the allocator recorded on disk: every index handed out, each once.
    const allocator = StatusIndexAllocator.open(join(issuerDir, STATUS_INDEX_FILE));
    try {
      expect(allocator.allocatedCount({ owner: issuer, listId: firstList })).toBe(4);
      for (const idx of [...before, fourth.status.idx]) {
        expect(allocator.isTaken({ owner: issuer, listId: firstList }, idx)).toBe(true);
      }
      expect(allocator.allocatedCount({ owner: issuer, listId: fifth.status.listId })).toBe(1);
    } finally {
      allocator.close();
    }
  });
});
