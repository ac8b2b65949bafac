/*
 * A real NATS JetStream cluster on loopback for tests: `nats-server` processes (Debian's 2.9.x,
 * installed by .ci/run), one config file and one store dir per server, no auth.
 *
 *   const cluster = await startNatsCluster({ dir: await mkdtemp(join(tmpdir(), 'nats-')) });
 *   const nc = await connect({ servers: cluster.urls });   // ... kill9(i), restart(i) ...
 *   afterAll: await cluster.stop(); await rm(dir, { recursive: true, force: true });
 *
 * Notes on the NATS JS client v3 (@nats-io/* 3.4, checked against nats-server 2.9.10 by
 * test/ledger/nats-cluster.test.ts), for the ordering backend built on it:
 * - Packages are CommonJS with named exports; ESM named imports work under Node 20 and vitest.
 *   `import { connect, nanos, headers } from '@nats-io/transport-node'` (it re-exports nats-core,
 *   so no direct @nats-io/nats-core dependency is needed); `import type { NatsConnection }` too.
 *   `import { jetstream, jetstreamManager, StorageType, DiscardPolicy, RetentionPolicy, AckPolicy,
 *   DeliverPolicy, JetStreamApiError, JetStreamApiCodes } from '@nats-io/jetstream'`.
 *   v3 has no `nc.jetstream()`: `const js = jetstream(nc)`, `const jsm = await jetstreamManager(nc)`.
 *   `connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 100 })`.
 * - Stream: `jsm.streams.add({ name, subjects: [subj], storage: StorageType.File, num_replicas: 3,
 *   retention: RetentionPolicy.Limits, discard: DiscardPolicy.New, max_age: 0,
 *   duplicate_window: nanos(120_000) })` — API durations are nanoseconds (`nanos(ms)`; the default
 *   duplicate_window is 2 min). `jsm.streams.info(name)` → `.state.last_seq`, `.state.messages`,
 *   `.cluster.leader`, `.cluster.replicas[]` `{ name, current, lag, offline }` (the leader is not in
 *   replicas). `jsm.streams.getMessage(name, { seq })` → StoredMsg (`.seq`, `.string()`, `.data`).
 * - Publish: `await js.publish(subj, bytes, { msgID, expect: { lastSequence: n }, timeout })` →
 *   PubAck `{ stream, seq, duplicate }`. A repeated msgID inside duplicate_window acks
 *   `duplicate: true` with the original seq — even when its `expect` is now stale, so a retry of a
 *   write that did land is safe. A wrong `expect.lastSequence` rejects with JetStreamApiError,
 *   `err.code === JetStreamApiCodes.StreamWrongLastSequence` (10071), "wrong last sequence: N".
 * - Failover: only the stream leader answers publishes. After the leader is SIGKILLed, publishes
 *   fail for ~3–6 s, mostly at once with JetStreamNotEnabled ("jetstream is not enabled": v3's
 *   name for a 503 no-responders), sometimes with a TimeoutError. Retry those with the same msgID
 *   and `expect`; a StreamWrongLastSequence is not retryable (someone else wrote).
 * - Consume from a sequence: `const c = await js.consumers.get(stream, { opt_start_seq: n,
 *   filter_subjects: subj })` is an ordered (ephemeral, R1, ack-none) pull consumer starting at n
 *   (the deliver policy is set for you); `for await (const m of await c.fetch({ max_messages,
 *   expires: 1000 }))` → `m.seq`, `m.subject`, `m.string()`, `m.data`, `m.headers`; fetch again to go
 *   on (one fetch/consume at a time); `await c.delete()` when done. It re-creates itself at the
 *   right sequence after a server loss; retry creating it while the stream has no leader.
 *   Durable and ackable: `jsm.consumers.add(stream, { durable_name, ack_policy: AckPolicy.Explicit,
 *   deliver_policy: DeliverPolicy.StartSequence, opt_start_seq })`, then
 *   `js.consumers.get(stream, durable_name)`, `await c.next({ expires })`, `await m.ackAck()`.
 * - Server 2.9 limits that the client checks: the consumers API needs >= 2.9.4 (ok); a
 *   filter_subjects array (multiple filters), stream metadata, subject transforms, compression and
 *   first_seq need 2.10 — pass filter_subjects as one string.
 * - @nats-io/nuid 3 declares engines node >= 22: npm warns (EBADENGINE) but it runs on Node 20.
 * - nats-server appends `/jetstream` to store_dir; /healthz says "unavailable" until there is a
 *   meta leader; a fresh 3-server cluster is ready in ~0.3–0.7 s here, restart() takes ~1–2 s.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './node-process.ts';

export interface NatsServer {
  name: string;
  port: number;
  url: string;
  clusterPort: number;
  httpPort: number;
  /** The running process; replaced by restart(). */
  process: ChildProcess;
  configFile: string;
  storeDir: string;
}

export interface NatsCluster {
  servers: NatsServer[];
  /** nats://127.0.0.1:port for every server. */
  urls: string[];
  /** SIGKILL server i and wait for its exit. */
  kill9(i: number): Promise<void>;
  /**
   * Start server i again with the same config and store (SIGKILLing it first if it still runs);
   * waits until it answers, JetStream is healthy and the meta leader sees it current again.
   */
  restart(i: number): Promise<void>;
  /** SIGTERM every running server and wait for the exits (SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Everything server i printed, across restarts. */
  logs(i: number): string;
}

export interface NatsClusterOptions {
  size?: number;
  /** A directory the cluster owns: config files and store dirs go here. */
  dir: string;
  /** Milliseconds to wait for the cluster (or a restarted server) to be ready. */
  readyTimeoutMs?: number;
}

const MAX_LOG_CHARS = 2_000_000;

// Servers still running when the test process exits (a crash, a missed afterAll) are killed.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

function running(child: ChildProcess | undefined): boolean {
  // No pid: the spawn failed (e.g. nats-server not installed) and no 'exit' will come.
  return !!child && child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((resolveExit) => {
    if (!running(child)) return resolveExit();
    child.once('exit', () => resolveExit());
  });
}

function configText(
  name: string,
  port: number,
  httpPort: number,
  clusterPort: number,
  storeDir: string,
  peerClusterPorts: number[],
): string {
  const routes = peerClusterPorts.map((p) => `    nats-route://127.0.0.1:${p}`).join('\n');
  return `server_name: ${name}
listen: 127.0.0.1:${port}
http: 127.0.0.1:${httpPort}
jetstream {
  store_dir: ${JSON.stringify(storeDir)}
  max_memory_store: 64MB
  max_file_store: 1GB
}
cluster {
  name: ddi-test
  listen: 127.0.0.1:${clusterPort}
  routes: [
${routes}
  ]
}
`;
}

interface MetaCluster {
  leader?: string;
  cluster_size?: number;
  replicas?: { name: string; current: boolean; offline?: boolean }[];
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

export async function startNatsCluster(options: NatsClusterOptions): Promise<NatsCluster> {
  const { dir, size = 3, readyTimeoutMs = 30_000 } = options;
  if (size < 1) throw new Error('size must be >= 1');
  installExitHook();
  await mkdir(dir, { recursive: true });

  const logs: string[] = [];
  const servers: NatsServer[] = [];
  // Take all the ports first, so that no two servers get the same one.
  const taken = new Set<number>();
  async function uniquePort(): Promise<number> {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  }
  const ports = [];
  for (let i = 0; i < size; i++) {
    ports.push({ port: await uniquePort(), http: await uniquePort(), cluster: await uniquePort() });
  }
  for (let i = 0; i < size; i++) {
    const name = `n${i + 1}`;
    const { port, http, cluster } = ports[i]!;
    const storeDir = join(dir, name);
    const configFile = join(dir, `${name}.conf`);
    const peers = ports.filter((_, j) => j !== i).map((p) => p.cluster);
    await mkdir(storeDir, { recursive: true });
    await writeFile(configFile, configText(name, port, http, cluster, storeDir, peers));
    logs.push('');
    servers.push({
      name,
      port,
      url: `nats://127.0.0.1:${port}`,
      clusterPort: cluster,
      httpPort: http,
      process: undefined as unknown as ChildProcess,
      configFile,
      storeDir,
    });
  }

  function spawnServer(i: number): void {
    const s = servers[i]!;
    const child = spawn('nats-server', ['-c', s.configFile], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const append = (d: Buffer) => {
      let l = logs[i]! + d.toString();
      if (l.length > MAX_LOG_CHARS) l = l.slice(l.length - MAX_LOG_CHARS);
      logs[i] = l;
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    child.on('error', (err) => append(Buffer.from(`\n[spawn error] ${err.message}\n`)));
    live.add(child);
    child.once('exit', () => live.delete(child));
    s.process = child;
  }

  /** Why server i is not ready yet, or null when it is. */
  async function notReady(i: number): Promise<string | null> {
    const s = servers[i]!;
    if (!running(s.process)) return `${s.name} is not running`;
    const base = `http://127.0.0.1:${s.httpPort}`;
    const health = await getJson(`${base}/healthz`);
    if (health.status !== 200) return `${s.name} /healthz: ${JSON.stringify(health.body)}`;
    const jsz = await getJson(`${base}/jsz`);
    const meta = (jsz.body as { meta_cluster?: MetaCluster }).meta_cluster;
    if (!meta?.leader) return `${s.name} sees no meta leader`;
    if (size > 1) {
      // The leader's view: every other server is a current, online member of the meta group.
      const li = servers.findIndex((x) => x.name === meta.leader);
      if (li < 0) return `${s.name}: unknown meta leader ${meta.leader}`;
      const leaderJsz = await getJson(`http://127.0.0.1:${servers[li]!.httpPort}/jsz`);
      const lm = (leaderJsz.body as { meta_cluster?: MetaCluster }).meta_cluster;
      if (lm?.leader !== meta.leader) return `meta leader is changing`;
      const replicas = lm.replicas ?? [];
      for (const other of servers) {
        if (other.name === meta.leader) continue;
        const r = replicas.find((x) => x.name === other.name);
        if (!r || !r.current || r.offline) return `meta leader does not see ${other.name} current`;
      }
    }
    return null;
  }

  async function waitReady(indexes: number[], what: string): Promise<void> {
    const deadline = Date.now() + readyTimeoutMs;
    let last = '';
    for (;;) {
      for (const i of indexes) {
        const s = servers[i]!;
        if (s.process.pid === undefined) {
          throw new Error(`could not spawn nats-server for ${s.name} (is it installed?)`);
        }
        if (!running(s.process)) {
          const how = s.process.exitCode ?? s.process.signalCode;
          throw new Error(`nats-server ${s.name} exited (${how}):\n${logs[i]}`);
        }
      }
      last = '';
      for (const i of indexes) {
        try {
          const why = await notReady(i);
          if (why) {
            last = why;
            break;
          }
        } catch (err) {
          last = `${servers[i]!.name}: ${(err as Error).message}`;
          break;
        }
      }
      if (!last) return;
      if (Date.now() > deadline) {
        const all = servers.map((s, i) => `--- ${s.name} ---\n${logs[i]}`).join('\n');
        throw new Error(`${what} not ready after ${readyTimeoutMs} ms: ${last}\n${all}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function kill9(i: number): Promise<void> {
    if (i < 0 || i >= size) throw new Error(`no server ${i}`);
    await kill9Child(servers[i]!.process);
  }

  async function stopOne(child: ChildProcess): Promise<void> {
    if (!running(child)) return;
    const exited = waitExit(child);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  const all = servers.map((_, i) => i);
  try {
    for (const i of all) spawnServer(i);
    await waitReady(all, 'cluster');
  } catch (err) {
    await Promise.all(servers.map((s) => kill9Child(s.process)));
    throw err;
  }

  return {
    servers,
    urls: servers.map((s) => s.url),
    kill9,
    async restart(i: number) {
      if (i < 0 || i >= size) throw new Error(`no server ${i}`);
      await kill9(i);
      spawnServer(i);
      await waitReady(all, `${servers[i]!.name} after restart`);
    },
    async stop() {
      await Promise.all(servers.map((s) => stopOne(s.process)));
    },
    logs(i: number) {
      return logs[i] ?? '';
    },
  };
}

async function kill9Child(child: ChildProcess | undefined): Promise<void> {
  if (!child || !running(child)) return;
  const exited = waitExit(child);
  child.kill('SIGKILL');
  await exited;
}
