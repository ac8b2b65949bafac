import { createOperatorNetwork } from '../test/helpers/operator-network.ts';
/**
 * The networked case: 3 nats-server processes (one JetStream cluster) and 3 ddi operator
 * nodes on this machine. DID creates are submitted to the nodes with `wait=final` (the block
 * is signed by a majority of operators); then one node that was stopped during the load
 * restarts and catches up from the stream.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startNatsCluster } from '../test/helpers/nats-cluster.ts';
import { startNodeProcess, stopGracefully } from '../test/helpers/node-process.ts';
import type { NodeProcess } from '../test/helpers/node-process.ts';
import { runLoad } from './http-load.ts';
import { signedCreates } from './signed-creates.ts';

const PASS = 'bench-operator-passphrase';

async function height(url: string): Promise<number> {
  return ((await (await fetch(`${url}/v1/status`)).json()) as { height: number }).height;
}

/** Runs the networked benchmark in `dir`; returns its figures. */
export async function benchNetworked(
  dir: string,
  count: number,
): Promise<Array<{ name: string; value: string }>> {
  mkdirSync(join(dir, 'nats'), { recursive: true });
  const cluster = await startNatsCluster({ dir: join(dir, 'nats') });
  const nodes: NodeProcess[] = [];
  const start = (i: number) =>
    startNodeProcess(join(dir, `node${i}`), undefined, ['--genesis', join(dir, 'genesis.json')], {
      DDI_ORDERING: 'nats',
      DDI_NATS_SERVERS: cluster.urls.join(','),
      DDI_NATS_STREAM: 'DDI_BENCH',
      DDI_OPERATOR_PASSPHRASE: PASS,
    });
  try {
    const { genesis } = createOperatorNetwork(dir, { chainId: 'ddi-bench-net', passphrase: PASS });
    for (const i of [0, 1, 2]) nodes.push(await start(i));

    // Warm up, then stop node 3: it will catch up after the load.
    const warm = signedCreates(genesis.chainId, 300, 'ed25519');
    let w = 0;
    await runLoad({
      base: nodes[0]!.url,
      concurrency: 32,
      durationMs: 30_000,
      next: () =>
        w < warm.length
          ? { method: 'POST', path: '/v1/transactions?wait=final', body: warm[w++]! }
          : undefined,
    });
    const from = await height(nodes[2]!.url);
    await stopGracefully(nodes[2]!.child);

    const txs = signedCreates(genesis.chainId, count, 'ed25519');
    let i = 0;
    const bases = [nodes[0]!.url, nodes[1]!.url];
    const loads = bases.map((base, b) =>
      runLoad({
        base,
        concurrency: 128,
        durationMs: 120_000,
        next: () => {
          const k = i++;
          return k < txs.length
            ? { method: 'POST', path: '/v1/transactions?wait=final', body: txs[k]! }
            : undefined;
        },
      }).then((r) => ({ r, b })),
    );
    const results = (await Promise.all(loads)).map(({ r }) => r);
    const requests = results.reduce((n, r) => n + r.requests, 0);
    const seconds = Math.max(...results.map((r) => r.seconds));
    const p50 = Math.max(...results.map((r) => r.p50Ms));
    const p99 = Math.max(...results.map((r) => r.p99Ms));
    const errors = results.reduce((n, r) => n + r.errors, 0);

    const target = await height(nodes[0]!.url);
    const catchUpStart = performance.now();
    nodes[2] = await start(2);
    while ((await height(nodes[2]!.url)) < target) await new Promise((r) => setTimeout(r, 20));
    const catchUpSeconds = (performance.now() - catchUpStart) / 1000;
    return [
      {
        name: 'DID creates final, 3 NATS + 3 operators (wait=final, 2 nodes × 128 in flight)',
        value: `${Math.round(requests / seconds).toLocaleString('en-US')} tx/s  p50 ${p50.toFixed(0)} ms  p99 ${p99.toFixed(0)} ms  (${requests} ok, ${errors} errors)`,
      },
      {
        name: 'catch-up of a restarted operator from the stream',
        value: `${Math.round((target - from) / catchUpSeconds).toLocaleString('en-US')} blocks/s, ${Math.round(requests / catchUpSeconds).toLocaleString('en-US')} tx/s (${target - from} blocks in ${catchUpSeconds.toFixed(1)} s, process start included)`,
      },
    ];
  } finally {
    await Promise.allSettled(nodes.map((n) => stopGracefully(n.child)));
    await cluster.stop();
  }
}
