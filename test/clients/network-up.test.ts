import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { generateKeyPair, publicKeyToMultibase } from '../../src/core/keys/index.ts';
import { DDI_BIN, REPO_ROOT, freePort } from '../helpers/node-process.ts';
import { makeDid, tempDir } from '../helpers/temp-node.ts';

// `ddi network up` as a user runs it: a real launcher process that starts 3 nats-servers and
// 3 node processes; the test talks to the nodes over HTTP and then Ctrl-Cs the launcher.

const { dir, cleanup } = tempDir('ddi-network-up-');
const env = {
  PATH: process.env.PATH,
  HOME: dir,
  DDI_KEYSTORE: join(dir, 'keystore.json'),
  DDI_PASSPHRASE: 'network up test',
};

interface UpOutput {
  chainId: string;
  stream: string;
  created: string[];
  nodes: Array<{ name: string; url: string; operator: string; log: string; pid: number }>;
  nats: Array<{ name: string; url: string; log: string; pid: number }>;
}

let launcher: ChildProcess | undefined;
let started: UpOutput | undefined;
let firstDid: string | undefined;
let chainId: string | undefined;

afterAll(() => {
  // Only after a failure is anything left; the children run in their own process groups.
  launcher?.kill('SIGKILL');
  for (const p of [...(started?.nodes ?? []), ...(started?.nats ?? [])]) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  cleanup();
});

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first of `count` consecutive free ports, none of them in `avoid`. */
async function freeRange(count: number, avoid: number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freePort();
    if (base + count > 65535) continue;
    let ok = true;
    for (let p = base; p < base + count && ok; p++) {
      ok = !avoid.includes(p) && (p === base || (await canListen(p)));
    }
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Runs `ddi … --json` against `node` with the test keystore; it must succeed. */
function ddiJson(args: string[], node: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [DDI_BIN, ...args, '--json'],
      { cwd: REPO_ROOT, env: { ...env, DDI_NODE: node }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`ddi ${args.join(' ')} failed: ${stdout}${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
  });
}

/** Polls `check` until it returns a value or `timeoutMs` passes. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ddi network up', () => {
  it('stops with notFound, creating nothing, when nats-server is not on PATH', async () => {
    const target = join(dir, 'no-nats');
    const run = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [DDI_BIN, 'network', 'up', '--dir', target, '--json'],
        { cwd: REPO_ROOT, env: { ...env, PATH: join(dir, 'empty-path') }, timeout: 30_000 },
        (error, stdout) => resolve({ code: error ? (error.code as number) : 0, stdout }),
      );
    });
    expect(run.code).toBe(1);
    const { error } = JSON.parse(run.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('notFound');
    expect(error.message).toContain('nats-server');
    expect(existsSync(target)).toBe(false);
  });

  let httpBase = 0;
  let natsBase = 0;

  /** Starts `ddi network up --json` on the test's ports and waits for its JSON. */
  async function networkUp(): Promise<{
    child: ChildProcess;
    up: UpOutput;
    exited: Promise<number | null>;
    stderr: () => string;
  }> {
    const child = spawn(
      process.execPath,
      [
        DDI_BIN,
        'network',
        'up',
        '--dir',
        join(dir, 'net'),
        '--base-port',
        String(httpBase),
        '--nats-base-port',
        String(natsBase),
        '--json',
      ],
      { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    launcher = child;
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    // The launcher prints one JSON document once every node answers.
    const up = await eventually(
      'the launcher to print its JSON',
      async () => {
        if (child.exitCode !== null)
          throw new Error(`network up exited (${child.exitCode}):\n${stdout}\n${stderr}`);
        try {
          return JSON.parse(stdout) as UpOutput;
        } catch {
          return undefined;
        }
      },
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nstdout: ${stdout}\nstderr: ${stderr}`);
    });
    started = up;
    return { child, up, exited, stderr: () => stderr };
  }

  /** SIGINT (Ctrl-C) the launcher: it exits 0 and no process it started is left. */
  async function interrupt(run: Awaited<ReturnType<typeof networkUp>>): Promise<void> {
    const pids = [...run.up.nodes, ...run.up.nats].map((p) => p.pid);
    expect(pids.every(alive)).toBe(true);
    run.child.kill('SIGINT');
    const code = await Promise.race([
      run.exited,
      new Promise<string>((r) => setTimeout(() => r('still running 20 s after SIGINT'), 20_000)),
    ]);
    expect(code, run.stderr()).toBe(0);
    expect(pids.filter(alive), 'processes left running').toEqual([]);
  }

  it('starts 3 operators on a NATS cluster, orders a DID into the same chain everywhere, and Ctrl-C stops every process', async () => {
    natsBase = await freeRange(9);
    httpBase = await freeRange(
      3,
      Array.from({ length: 9 }, (_, i) => natsBase + i),
    );
    const run = await networkUp();
    const { up } = run;
    expect(up.nodes.map((n) => n.url)).toEqual(
      [0, 1, 2].map((i) => `http://127.0.0.1:${httpBase + i}`),
    );
    expect(up.nats.map((s) => s.url)).toEqual(
      [0, 1, 2].map((i) => `nats://127.0.0.1:${natsBase + i}`),
    );
    expect(up.created.some((c) => c.startsWith('genesis '))).toBe(true);
    const [node1, , node3] = up.nodes;

    const d = makeDid(up.chainId);
    firstDid = d.did;
    const res = await fetch(`${node1!.url}/v1/transactions?wait=final`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(d.createTx),
    });
    const committed = (await res.json()) as { status: string; height: number };
    expect(res.status, JSON.stringify(committed)).toBe(200);
    expect(committed.status).toBe('committed');

    const resolved = await eventually('node-3 to resolve the DID', async () => {
      const r = await getJson(`${node3!.url}/1.0/identifiers/${d.did}`);
      return r.status === 200 ? r.body : undefined;
    });
    expect((resolved.didDocument as { id: string }).id).toBe(d.did);

    // Every node reaches the same head: same chain, height and block hash.
    const statuses = await eventually('the three nodes to agree on the head', async () => {
      const all = await Promise.all(up.nodes.map((n) => getJson(`${n.url}/v1/status`)));
      const heights = new Set(all.map((s) => s.body.height));
      return heights.size === 1 && (all[0]!.body.height as number) >= committed.height
        ? all.map((s) => s.body)
        : undefined;
    });
    for (const s of statuses) {
      expect(s).toMatchObject({ chainId: up.chainId, ordering: 'nats', operators: 3, quorum: 2 });
    }
    expect(new Set(statuses.map((s) => s.headHash)).size).toBe(1);
    expect(new Set(statuses.map((s) => s.operator)).size).toBe(3);
    chainId = up.chainId;

    await interrupt(run);
    for (const p of [...up.nodes, ...up.nats])
      expect(statSync(p.log).size, p.log).toBeGreaterThan(0);
    // Each node was started with the ordering flags and says so in its start message.
    expect(readFileSync(node1!.log, 'utf8')).toContain(
      `ordering nats: stream ${up.stream} on ${up.nats.map((s) => s.url).join(',')}`,
    );
  }, 60_000);

  it('reuses the directory on the next run: same chain, the DID still there; the regulator admits and removes an operator', async () => {
    expect(firstDid, 'needs the previous test').toBeDefined();
    const run = await networkUp();
    expect(run.up.created).toEqual([]);
    expect(run.up.chainId).toBe(chainId);
    const [node1, node2, node3] = run.up.nodes;
    const r = await getJson(`${node2!.url}/1.0/identifiers/${firstDid}`);
    expect(r.status).toBe(200);

    // The first run put the regulator's governance keys in the keystore: `ddi gov` finds them.
    const fourth = generateKeyPair('ed25519');
    const nodeKey = publicKeyToMultibase('ed25519', fourth.publicKey);
    const admitted = await ddiJson(
      ['gov', 'admit-operator', nodeKey, '--name', 'operator-4'],
      node1!.url,
    );
    expect(admitted).toMatchObject({ change: 'admitted', status: { status: 'committed' } });
    const from = admitted.fromHeight as number;
    const status = await eventually('node-3 to apply the admission', async () => {
      const s = (await getJson(`${node3!.url}/v1/status`)).body;
      return (s.height as number) >= from - 1 ? s : undefined;
    });
    // Four operators from the next height: the quorum becomes 3 of 4, which the 3 running nodes make.
    expect(status).toMatchObject({ operators: 4, quorum: 3 });
    const d = makeDid(chainId!);
    const res = await fetch(`${node2!.url}/v1/transactions?wait=final`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(d.createTx),
    });
    expect(res.status).toBe(200);

    const removed = await ddiJson(
      ['gov', 'remove-operator', nodeKey, '--reason', 'test'],
      node1!.url,
    );
    expect(removed).toMatchObject({ change: 'removed', status: { status: 'committed' } });
    expect((await getJson(`${node1!.url}/v1/status`)).body).toMatchObject({
      operators: 3,
      quorum: 2,
    });
    await interrupt(run);
  }, 60_000);
});
