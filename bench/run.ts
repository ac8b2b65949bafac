/**
 * `npm run bench`: the hot paths of the issues next to the raw cost of their primitives,
 * in one run on this machine. It prints a table; it asserts nothing (tests never time).
 *
 * Sections: raw primitives (signature verifications/s, hashes/s); the sparse Merkle tree;
 * DID creates committed by an embedded node over HTTP; device registration in batches
 * (10,000 devices, POST /v1/transactions/batch); resolution vs a trivial route on the
 * same server; resolution latency with 10k and 1M DIDs in state.
 * Node and load generator share this machine's 2 cores.
 * BENCH_QUICK=1 shrinks every section (a smoke run). BENCH_ONLY=<section,…> runs only those
 * sections: primitives, merkle, trust, sd-jwt, verdict, commits, devices, scale, network (e.g.
 * `BENCH_ONLY=sd-jwt npm run bench` for the credential verification rates alone).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPrimitives } from './primitives.ts';
import { benchMerkle } from './merkle.ts';
import { benchTrust } from './trust.ts';
import { benchSdJwt } from './sd-jwt.ts';
import { benchVerdict } from './verdict.ts';
import { fillDidState } from './fill-state.ts';
import { signedCreates } from './signed-creates.ts';
import { benchNetworked } from './networked.ts';
import { benchDeviceBatch } from './device-batch.ts';
import { runLoad } from './http-load.ts';
import { startNodeProcess, stopGracefully } from '../test/helpers/node-process.ts';

const quick = process.env.BENCH_QUICK === '1';
const SECTIONS = [
  'primitives',
  'merkle',
  'trust',
  'sd-jwt',
  'verdict',
  'commits',
  'devices',
  'scale',
  'network',
];
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const unknownSections = only?.filter((s) => !SECTIONS.includes(s)) ?? [];
if (unknownSections.length > 0) {
  throw new Error(`BENCH_ONLY: no section ${unknownSections.join(', ')} (${SECTIONS.join(', ')})`);
}
/** Whether a section runs: all of them, or those BENCH_ONLY names. */
const runs = (section: string): boolean => !only || only.includes(section);
const rows: Array<[string, string]> = [];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
function report(name: string, value: string): void {
  rows.push([name, value]);
  console.log(`${name.padEnd(58)} ${value}`);
}

async function chainIdOf(url: string): Promise<string> {
  return ((await (await fetch(`${url}/v1/status`)).json()) as { chainId: string }).chainId;
}

async function benchCommits(dir: string): Promise<string[]> {
  const node = await startNodeProcess(join(dir, 'commits'));
  const chainId = await chainIdOf(node.url);
  const created: string[] = [];
  try {
    for (const [type, count] of [
      ['ed25519', quick ? 2000 : 30_000],
      ['sm2', quick ? 500 : 6000],
    ] as const) {
      const txs = signedCreates(chainId, count, type);
      let i = 0;
      const result = await runLoad({
        base: node.url,
        concurrency: 256,
        durationMs: 60_000,
        next: () =>
          i < txs.length
            ? { method: 'POST', path: '/v1/transactions?wait=true', body: txs[i++]! }
            : undefined,
      });
      report(
        `DID creates committed, ${type} keys (HTTP, wait=true, 256 in flight)`,
        `${fmt(result.perSecond)} tx/s  p50 ${fmt(result.p50Ms, 1)} ms  p99 ${fmt(result.p99Ms, 1)} ms  (${result.requests} ok, ${result.errors} errors)`,
      );
      for (const tx of txs.slice(0, 2000)) created.push(JSON.parse(tx).proofs[0].kid.split('#')[0]);
    }
    // Resolution against the trivial route of the same server: the framework's ceiling.
    const duration = quick ? 2000 : 5000;
    const ping = await runLoad({
      base: node.url,
      concurrency: 32,
      durationMs: duration,
      next: () => ({ method: 'GET', path: '/v1/ping' }),
    });
    let j = 0;
    const resolve = await runLoad({
      base: node.url,
      concurrency: 32,
      durationMs: duration,
      next: () => ({ method: 'GET', path: `/1.0/identifiers/${created[j++ % created.length]}` }),
    });
    report(
      'trivial route GET /v1/ping (32 connections)',
      `${fmt(ping.perSecond)} req/s  p99 ${fmt(ping.p99Ms, 2)} ms`,
    );
    report(
      'resolution GET /1.0/identifiers/{did} (32 connections)',
      `${fmt(resolve.perSecond)} req/s  p99 ${fmt(resolve.p99Ms, 2)} ms  = ${fmt((100 * resolve.perSecond) / ping.perSecond)}% of trivial  (${resolve.errors} errors)`,
    );
  } finally {
    await stopGracefully(node.child);
  }
  return created;
}

async function benchResolutionAtScale(dir: string, count: number): Promise<number> {
  const dataDir = join(dir, `scale-${count}`);
  let start = performance.now();
  const sample = fillDidState(dataDir, count);
  const fillSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  const node = await startNodeProcess(dataDir);
  const startSeconds = (performance.now() - start) / 1000;
  try {
    // Warm up, then measure with random DIDs.
    const next = () => ({
      method: 'GET' as const,
      path: `/1.0/identifiers/${sample[Math.floor(Math.random() * sample.length)]}`,
    });
    await runLoad({ base: node.url, concurrency: 16, durationMs: 1000, next });
    const result = await runLoad({
      base: node.url,
      concurrency: 16,
      durationMs: quick ? 2000 : 5000,
      next,
    });
    report(
      `resolution with ${fmt(count)} DIDs in state (16 connections)`,
      `${fmt(result.perSecond)} req/s  p50 ${fmt(result.p50Ms, 2)} ms  p99 ${fmt(result.p99Ms, 2)} ms  (fill ${fmt(fillSeconds, 1)} s, node start+verify ${fmt(startSeconds, 1)} s)`,
    );
    return result.p99Ms;
  } finally {
    await stopGracefully(node.child);
  }
}

async function main(): Promise<void> {
  console.log(
    `ddi bench — node ${process.version}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}\n`,
  );
  if (runs('primitives')) {
    for (const p of await benchPrimitives())
      report(`primitive: ${p.name}`, `${fmt(p.opsPerSec)} /s`);
  }
  if (runs('merkle')) {
    for (const m of await benchMerkle()) report(m.name, `${fmt(m.value, 1)} ${m.unit}`);
  }
  if (runs('trust')) {
    for (const m of await benchTrust(quick ? 500 : 2000))
      report(m.name, `${fmt(m.value)} ${m.unit}`);
  }
  if (runs('sd-jwt')) {
    for (const m of await benchSdJwt()) report(m.name, `${fmt(m.value, 2)} ${m.unit}`);
  }
  if (runs('verdict')) {
    for (const m of await benchVerdict()) report(m.name, `${fmt(m.value)} ${m.unit}`);
  }
  if (!['commits', 'devices', 'scale', 'network'].some(runs)) return;
  const dir = mkdtempSync(join(tmpdir(), 'ddi-bench-'));
  try {
    if (runs('commits')) await benchCommits(dir);
    if (runs('devices')) {
      const devices = quick ? 2000 : 10_000;
      const batch = await benchDeviceBatch(join(dir, 'devices'), devices);
      report(
        `device registration: ${fmt(devices)} devices in one batch`,
        `${fmt(batch.perSecond)} devices/s  (${fmt(batch.seconds, 1)} s, ${fmt(batch.registered)} registered)`,
      );
    }
    if (runs('scale')) {
      const small = await benchResolutionAtScale(dir, 10_000);
      const large = await benchResolutionAtScale(dir, quick ? 100_000 : 1_000_000);
      report('resolution p99 ratio, large state vs 10k', `${fmt(large / small, 2)}x`);
    }
    if (runs('network') && process.env.BENCH_SKIP_NETWORK === '1') {
      report('networked case', 'skipped (BENCH_SKIP_NETWORK=1)');
    } else if (runs('network')) {
      for (const r of await benchNetworked(join(dir, 'network'), quick ? 1500 : 20_000))
        report(r.name, r.value);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
