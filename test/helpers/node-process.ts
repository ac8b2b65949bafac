import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const DDI_BIN = resolve(REPO_ROOT, 'bin/ddi.mjs');

/** A free TCP port on loopback (asks the OS, then releases it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface NodeProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/**
 * Starts `ddi node start` as a real process and waits until it answers HTTP. `extraArgs`
 * are more `node start` options (e.g. `['--genesis', file]`).
 */
export async function startNodeProcess(
  dataDir: string,
  port?: number,
  extraArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<NodeProcess> {
  const p = port ?? (await freePort());
  const child = spawn(
    process.execPath,
    [DDI_BIN, 'node', 'start', '--port', String(p), '--data-dir', dataDir, ...extraArgs],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DDI_LOG: '0', ...env },
    },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${p}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`node exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/v1/ping`);
      if (res.ok) return { child, url, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`node did not start:\n${output}`);
}

/** SIGKILL (kill -9) and wait for the process to be gone. */
export function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveExit();
    child.once('exit', () => resolveExit());
    child.kill('SIGKILL');
  });
}

/** SIGTERM and wait for a clean exit. */
export function stopGracefully(child: ChildProcess): Promise<number | null> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null) return resolveExit(child.exitCode);
    child.once('exit', (code) => resolveExit(code));
    child.kill('SIGTERM');
  });
}

/** What a `ddi` subprocess did. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `ddi …` as a subprocess with only PATH and `env` in its environment (so the runner's
 * own DDI_* variables never leak in), stdin closed, at most 60 s.
 */
export function runDdi(args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  return new Promise((resolveRun) => {
    const child = execFile(
      process.execPath,
      [DDI_BIN, ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolveRun({ code, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

/** A long-running `ddi … --json` service (issuer, agency) and the URL its first line gave. */
export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Spawns `ddi <args> --json` and waits for its first JSON line naming a `url`. */
export async function startServiceProcess(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [DDI_BIN, ...args, '--json'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolvePromise, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      for (const line of stdout.split('\n').slice(0, -1)) {
        if (!line.startsWith('{')) continue;
        const value = JSON.parse(line) as { url?: unknown };
        if (typeof value.url === 'string') resolvePromise(value.url);
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`ddi ${args.join(' ')} exited (${code}):\n${stdout}${stderr}`)),
    );
  });
  return { child, url, output: () => stdout + stderr };
}
