/*
 * A development network on one machine: a 3-server NATS JetStream cluster and one
 * `ddi node start --ordering nats` process per operator, all on loopback, all under one
 * directory. `ddi network up` is the command; this file is the part that does not depend on
 * the CLI (the genesis maker, which keeps the regulator's keys in a keystore, is passed in).
 *
 *   <dir>/genesis.json             the network (written once, reused afterwards)
 *   <dir>/node-<i>/                node i's data dir (operator-key.json, ledger.sqlite, …)
 *   <dir>/nats/n<j>.conf, n<j>/    nats-server j's config (rewritten each run) and JetStream store
 *   <dir>/logs/node-<i>.log, nats-n<j>.log   what each child printed, appended across runs
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync } from 'node:fs';
import { readFileSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { KeyPair } from '../../core/keys/key-type.ts';
import { validateGenesis } from '../../ledger/genesis.ts';
import type { Genesis } from '../../ledger/genesis.ts';
import { DEV_OPERATOR_PASSPHRASE, loadOrCreateOperatorKey } from '../node/operator-key.ts';
import { defaultNatsStream } from '../node/node-config.ts';

/** nats-server processes of a local network: three, the least that survives losing one. */
export const LOCAL_NATS_SERVERS = 3;
export const DEFAULT_BASE_PORT = 7101;
export const DEFAULT_NATS_BASE_PORT = 4301;
const HOST = '127.0.0.1';
/** The `ddi` entry point the node processes run (this checkout's, whatever the cwd). */
const DDI_BIN = fileURLToPath(new URL('../../../bin/ddi.mjs', import.meta.url));

export interface LocalNode {
  name: string;
  dataDir: string;
  port: number;
  url: string;
  log: string;
}

export interface LocalNatsServer {
  name: string;
  /** Client port (`url`), route port (`clusterUrl`) and HTTP monitoring port (`monitorUrl`). */
  port: number;
  clusterPort: number;
  httpPort: number;
  url: string;
  clusterUrl: string;
  monitorUrl: string;
  configFile: string;
  storeDir: string;
  log: string;
}

/** Where everything of a local network lives, and its ports. */
export interface LocalNetworkLayout {
  dir: string;
  genesisFile: string;
  logsDir: string;
  nodes: LocalNode[];
  nats: LocalNatsServer[];
}

/**
 * Paths and ports: node i (1-based) listens on HTTP `basePort + i - 1`; NATS server j on
 * client port `natsBasePort + j - 1`, route port `natsBasePort + 3 + j - 1` and monitoring
 * port `natsBasePort + 6 + j - 1` (4301-4303, 4304-4306, 4307-4309 by default).
 */
export function localNetworkLayout(
  dir: string,
  operators: number,
  basePort = DEFAULT_BASE_PORT,
  natsBasePort = DEFAULT_NATS_BASE_PORT,
): LocalNetworkLayout {
  const root = resolve(dir);
  const logsDir = join(root, 'logs');
  const nodes = Array.from({ length: operators }, (_, i) => {
    const name = `node-${i + 1}`;
    const port = basePort + i;
    return {
      name,
      dataDir: join(root, name),
      port,
      url: `http://${HOST}:${port}`,
      log: join(logsDir, `${name}.log`),
    };
  });
  const nats = Array.from({ length: LOCAL_NATS_SERVERS }, (_, j) => {
    const name = `n${j + 1}`;
    const port = natsBasePort + j;
    const clusterPort = natsBasePort + LOCAL_NATS_SERVERS + j;
    const httpPort = natsBasePort + 2 * LOCAL_NATS_SERVERS + j;
    return {
      name,
      port,
      clusterPort,
      httpPort,
      url: `nats://${HOST}:${port}`,
      clusterUrl: `nats-route://${HOST}:${clusterPort}`,
      monitorUrl: `http://${HOST}:${httpPort}`,
      configFile: join(root, 'nats', `${name}.conf`),
      storeDir: join(root, 'nats', name),
      log: join(logsDir, `nats-${name}.log`),
    };
  });
  return { dir: root, genesisFile: join(root, 'genesis.json'), logsDir, nodes, nats };
}

/**
 * One nats-server's config: JetStream with its own store, routes to the other servers, and
 * every listener (clients, routes, monitoring) on loopback only — nothing of a development
 * network is reachable from another machine.
 */
export function natsServerConfig(server: LocalNatsServer, peers: LocalNatsServer[]): string {
  const routes = peers.map((p) => `    ${p.clusterUrl}`).join('\n');
  return `# written by \`ddi network up\` on every start; edits are overwritten
server_name: ${server.name}
listen: ${HOST}:${server.port}
http: ${HOST}:${server.httpPort}
jetstream {
  store_dir: ${JSON.stringify(server.storeDir)}
  max_memory_store: 64MB
  max_file_store: 1GB
}
cluster {
  name: ddi-local
  listen: ${HOST}:${server.clusterPort}
  routes: [
${routes}
  ]
}
`;
}

/** The full path of `command` on PATH, or undefined. */
export function findOnPath(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Throws a clear `notFound` when nats-server is not installed, before anything is created. */
export function requireNatsServer(env: NodeJS.ProcessEnv = process.env): string {
  const found = findOnPath('nats-server', env);
  if (!found) {
    throw new DdiError(
      ErrorCode.NotFound,
      'nats-server is not on PATH: install it (Debian/Ubuntu: `apt-get install nats-server`; ' +
        'or a release from https://github.com/nats-io/nats-server/releases) and try again',
    );
  }
  return found;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, HOST, () => server.close(() => resolvePort(true)));
  });
}

/** Throws `conflict` naming the first port of the layout that something already listens on. */
export async function checkPortsFree(layout: LocalNetworkLayout): Promise<void> {
  const wanted = [
    ...layout.nodes.map((n) => ({ port: n.port, what: `HTTP of ${n.name}` })),
    ...layout.nats.flatMap((s) => [
      { port: s.port, what: `NATS client port of ${s.name}` },
      { port: s.clusterPort, what: `NATS route port of ${s.name}` },
      { port: s.httpPort, what: `NATS monitoring port of ${s.name}` },
    ]),
  ];
  for (const { port, what } of wanted) {
    if (port < 1 || port > 65535)
      throw new DdiError(ErrorCode.Malformed, `port ${port} (${what}) is out of range`);
    if (!(await portFree(port))) {
      throw new DdiError(
        ErrorCode.Conflict,
        `port ${port} (${what}) is in use — is another \`ddi network up\` running? ` +
          'Stop it, or choose other ports with --base-port / --nats-base-port',
      );
    }
  }
}

/** Makes the genesis on a first run from the operators' keys; keeps the regulator's keys. */
export type GenesisMaker = (operators: Array<{ name: string; key: KeyPair }>) => Promise<Genesis>;

export interface PreparedNetwork {
  layout: LocalNetworkLayout;
  genesis: Genesis;
  /** The JetStream stream the nodes order through. */
  stream: string;
  /** What this run created, for the user to read (empty when the directory was reused). */
  created: string[];
}

export interface PrepareOptions {
  dir: string;
  /** Operators of a new network (default 3); on a reused directory it must match the genesis. */
  operators?: number;
  basePort?: number;
  natsBasePort?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Checks the ports are free, then makes the directory of a local network: on a first run, a data dir and operator key per operator
 * and the genesis (from `makeGenesis`); afterwards, the same genesis. NATS configs are
 * rewritten every time, so the ports may change between runs.
 */
export async function prepareLocalNetwork(
  options: PrepareOptions,
  makeGenesis: GenesisMaker,
): Promise<PreparedNetwork> {
  const env = options.env ?? process.env;
  const dir = resolve(options.dir);
  const genesisFile = join(dir, 'genesis.json');
  const created: string[] = [];
  let genesis: Genesis | undefined;
  if (existsSync(genesisFile)) {
    genesis = validateGenesis(JSON.parse(readFileSync(genesisFile, 'utf8')));
    if (options.operators !== undefined && options.operators !== genesis.operators.length) {
      throw new DdiError(
        ErrorCode.Conflict,
        `${dir} holds a network of ${genesis.operators.length} operator(s), not ${options.operators}: ` +
          'drop --operators, or use another --dir',
      );
    }
  }
  const operators = genesis?.operators.length ?? options.operators ?? 3;
  const layout = localNetworkLayout(dir, operators, options.basePort, options.natsBasePort);
  // Before anything is created: a busy port would only fail later, in a child's log.
  await checkPortsFree(layout);
  mkdirSync(layout.logsDir, { recursive: true });
  if (!genesis) {
    const passphrase = env.DDI_OPERATOR_PASSPHRASE || DEV_OPERATOR_PASSPHRASE;
    // The same key file `ddi node start` opens in each data dir: it signs that node's blocks.
    const keys = layout.nodes.map((node) => {
      mkdirSync(node.dataDir, { recursive: true });
      const { key, created: made } = loadOrCreateOperatorKey(node.dataDir, passphrase);
      if (made) created.push(`operator key of ${node.name} in ${node.dataDir}`);
      return { name: node.name, key };
    });
    genesis = await makeGenesis(keys);
    writeFileSync(genesisFile, `${JSON.stringify(genesis, null, 2)}\n`);
    created.push(`genesis ${genesisFile} (chain ${genesis.chainId}, ${operators} operators)`);
  }
  for (const server of layout.nats) {
    mkdirSync(server.storeDir, { recursive: true });
    const peers = layout.nats.filter((p) => p !== server);
    writeFileSync(server.configFile, natsServerConfig(server, peers));
  }
  return { layout, genesis, stream: defaultNatsStream(genesis.chainId), created };
}

/** A child process the launcher started. */
export interface ManagedProcess {
  name: string;
  kind: 'nats' | 'node';
  pid: number;
  log: string;
  child: ChildProcess;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** The nats-server executable (default: found on the PATH of `env`). */
  natsServer?: string;
  /** Aborting stops what was started so far and rejects. */
  signal?: AbortSignal;
  /** Milliseconds for JetStream, then for the nodes, to be ready (default 60 s each). */
  readyTimeoutMs?: number;
  /** A child that exits while the network runs (not during stop()). */
  onExit?: (process: ManagedProcess, code: number | null, signal: NodeJS.Signals | null) => void;
  /** Progress for people. */
  note?: (message: string) => void;
}

function running(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((resolveExit) => {
    if (!running(child)) return resolveExit();
    child.once('exit', () => resolveExit());
  });
}

/** The last `chars` characters of a log file, for an error message. */
function tail(path: string, chars = 3000): string {
  try {
    const size = statSync(path).size;
    const length = Math.min(size, chars);
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      return buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveSleep) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolveSleep();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
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

interface MetaCluster {
  leader?: string;
  replicas?: Array<{ name: string; current: boolean; offline?: boolean }>;
}

/**
 * Why the NATS cluster cannot take a replicated stream yet, or null once it can: every
 * server healthy, one meta leader, and the leader sees every other server current.
 */
async function natsNotReady(servers: LocalNatsServer[]): Promise<string | null> {
  let leader: string | undefined;
  for (const s of servers) {
    const health = await getJson(`${s.monitorUrl}/healthz`);
    if (health.status !== 200) return `${s.name} /healthz: ${JSON.stringify(health.body)}`;
    const meta = ((await getJson(`${s.monitorUrl}/jsz`)).body as { meta_cluster?: MetaCluster })
      .meta_cluster;
    if (!meta?.leader) return `${s.name} sees no JetStream meta leader`;
    leader ??= meta.leader;
  }
  const leaderServer = servers.find((s) => s.name === leader);
  if (!leaderServer) return `unknown meta leader ${leader}`;
  const meta = (
    (await getJson(`${leaderServer.monitorUrl}/jsz`)).body as { meta_cluster?: MetaCluster }
  ).meta_cluster;
  if (meta?.leader !== leader) return 'the meta leader is changing';
  for (const s of servers) {
    if (s.name === leader) continue;
    const r = meta?.replicas?.find((x) => x.name === s.name);
    if (!r || !r.current || r.offline) return `the meta leader does not see ${s.name} current`;
  }
  return null;
}

/**
 * A running local network: the nats-servers and nodes this process started. Children run in
 * their own process groups, so a terminal's Ctrl-C reaches only the launcher, which then stops
 * the nodes before the NATS servers they are connected to.
 */
export class LocalNetwork {
  readonly processes: ManagedProcess[] = [];
  private stopping = false;
  private readonly killOnExit = (): void => this.killNow();

  constructor(
    readonly prepared: PreparedNetwork,
    private readonly options: StartOptions = {},
  ) {}

  /**
   * Starts NATS, waits for JetStream, starts one node per operator and waits for each to
   * answer. On failure or abort it stops what it started, then rejects.
   */
  async start(): Promise<void> {
    // Whatever happens to the launcher short of SIGKILL, it takes its children with it.
    process.once('exit', this.killOnExit);
    try {
      await this.startAll();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private async startAll(): Promise<void> {
    const { layout, stream } = this.prepared;
    const { signal, note } = this.options;
    const timeout = this.options.readyTimeoutMs ?? 60_000;
    const natsServer = this.options.natsServer ?? requireNatsServer(this.options.env);
    const nats = layout.nats.map((s) =>
      this.spawn(s.name, 'nats', natsServer, ['-c', s.configFile], s.log),
    );
    note?.(`started ${nats.length} nats-servers; waiting for JetStream…`);
    await this.waitUntil(timeout, 'JetStream', nats, () => natsNotReady(layout.nats));

    const servers = layout.nats.map((s) => s.url).join(',');
    const nodes = layout.nodes.map((n) =>
      this.spawn(
        n.name,
        'node',
        process.execPath,
        [
          DDI_BIN,
          'node',
          'start',
          '--data-dir',
          n.dataDir,
          '--genesis',
          layout.genesisFile,
          '--host',
          HOST,
          '--port',
          String(n.port),
          '--ordering',
          'nats',
          '--nats-servers',
          servers,
          '--nats-stream',
          stream,
        ],
        n.log,
      ),
    );
    note?.(`started ${nodes.length} nodes; waiting for them to answer…`);
    await this.waitUntil(timeout, 'the nodes', nodes, async () => {
      for (const n of layout.nodes) {
        const ping = await fetch(`${n.url}/v1/ping`, { signal: AbortSignal.timeout(2000) }).catch(
          () => undefined,
        );
        if (!ping?.ok) return `${n.name} does not answer on ${n.url} yet`;
      }
      return null;
    });
    if (signal?.aborted) throw new DdiError(ErrorCode.Unavailable, 'interrupted');
  }

  private spawn(
    name: string,
    kind: ManagedProcess['kind'],
    command: string,
    args: string[],
    log: string,
  ): ManagedProcess {
    const fd = openSync(log, 'a');
    writeSync(
      fd,
      `\n=== ${new Date().toISOString()} ddi network up: ${[command, ...args].join(' ')}\n`,
    );
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd: this.prepared.layout.dir,
        env: this.options.env ?? process.env,
        // Output straight into the log file: it outlives the launcher and costs it nothing.
        stdio: ['ignore', fd, fd],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    const managed: ManagedProcess = { name, kind, pid: child.pid ?? -1, log, child };
    // A failed spawn (e.g. ENOENT) emits 'error' and no 'exit': the waits report it.
    child.on('error', () => {});
    child.once('exit', (code, sig) => {
      if (!this.stopping) this.options.onExit?.(managed, code, sig);
    });
    this.processes.push(managed);
    return managed;
  }

  private async waitUntil(
    timeoutMs: number,
    what: string,
    watched: ManagedProcess[],
    notReady: () => Promise<string | null>,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.options.signal?.aborted) throw new DdiError(ErrorCode.Unavailable, 'interrupted');
      for (const p of watched) {
        if (!running(p.child)) {
          const how = p.child.exitCode ?? p.child.signalCode ?? 'failed to start';
          throw new DdiError(
            ErrorCode.Unavailable,
            `${p.name} exited (${how}) before ${what} was ready; its log ${p.log} ends with:\n${tail(p.log)}`,
          );
        }
      }
      const why = await notReady().catch((err: unknown) => String(err));
      if (why === null) return;
      if (Date.now() > deadline) {
        throw new DdiError(
          ErrorCode.Timeout,
          `${what} not ready after ${timeoutMs} ms: ${why} (logs in ${this.prepared.layout.logsDir})`,
        );
      }
      await sleep(100, this.options.signal);
    }
  }

  /** Stops the nodes (SIGTERM), then the NATS servers; SIGKILL for any still up after 10 s. */
  async stop(): Promise<void> {
    this.stopping = true;
    const stopAll = async (kind: ManagedProcess['kind']): Promise<void> => {
      await Promise.all(
        this.processes
          .filter((p) => p.kind === kind && running(p.child))
          .map(async (p) => {
            const exited = waitExit(p.child);
            p.child.kill('SIGTERM');
            const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(timer);
          }),
      );
    };
    await stopAll('node');
    await stopAll('nats');
    process.off('exit', this.killOnExit);
  }

  /** SIGKILL every child still running, now (a second Ctrl-C, or the launcher exiting). */
  killNow(): void {
    this.stopping = true;
    for (const p of this.processes) if (running(p.child)) p.child.kill('SIGKILL');
  }
}
