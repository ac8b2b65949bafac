import { createOperatorNetwork } from '../helpers/operator-network.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startNatsCluster } from '../helpers/nats-cluster.ts';
import type { NatsCluster } from '../helpers/nats-cluster.ts';
import { kill9, startNodeProcess, stopGracefully } from '../helpers/node-process.ts';
import type { NodeProcess } from '../helpers/node-process.ts';
import { makeDid, tempDir } from '../helpers/temp-node.ts';

const PASS = 'crash-test-passphrase';
const { dir, cleanup } = tempDir('ddi-nats-crash-');
let cluster: NatsCluster;
let chainId: string;
const nodes: NodeProcess[] = [];

function start(i: number): Promise<NodeProcess> {
  return startNodeProcess(
    join(dir, `node${i}`),
    undefined,
    ['--genesis', join(dir, 'genesis.json')],
    {
      DDI_ORDERING: 'nats',
      DDI_NATS_SERVERS: cluster.urls.join(','),
      DDI_NATS_STREAM: 'DDI_CRASH',
      DDI_OPERATOR_PASSPHRASE: PASS,
    },
  );
}

async function json(url: string): Promise<Record<string, unknown>> {
  return (await (await fetch(url)).json()) as Record<string, unknown>;
}

beforeAll(async () => {
  mkdirSync(join(dir, 'nats'), { recursive: true });
  cluster = await startNatsCluster({ dir: join(dir, 'nats') });
  const { genesis } = createOperatorNetwork(dir, { chainId: 'ddi-crash-test', passphrase: PASS });
  chainId = genesis.chainId;
  for (const i of [0, 1, 2]) nodes.push(await start(i));
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(nodes.map((n) => stopGracefully(n.child)));
  await cluster?.stop();
  cleanup();
});

describe('kill -9 of a ddi operator node in the middle of writes', () => {
  it('restarts, catches up from the stream, and reaches the same blocks and state root', async () => {
    const acknowledged: string[] = [];
    let stop = false;
    const writer = async (w: number) => {
      while (!stop) {
        const node = nodes[w % 2]!; // nodes 0 and 1 take writes; node 2 gets killed
        try {
          const res = await fetch(`${node.url}/v1/transactions?wait=true`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(makeDid(chainId).createTx),
          });
          if (res.status === 200) acknowledged.push(((await res.json()) as { id: string }).id);
        } catch {
          // a refused connection is not an acknowledgement
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    while (acknowledged.length < 60) await new Promise((r) => setTimeout(r, 10));
    await kill9(nodes[2]!.child);
    const atKill = acknowledged.length;
    while (acknowledged.length < atKill + 60) await new Promise((r) => setTimeout(r, 10));
    // Still final with one operator of three down (majority quorum).
    const status0 = await json(`${nodes[0]!.url}/v1/status`);
    expect(status0.finalHeight as number).toBeGreaterThan(0);
    nodes[2] = await start(2);
    while (acknowledged.length < atKill + 90) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await Promise.all(writers);

    const target = (await json(`${nodes[0]!.url}/v1/status`)).height as number;
    for (let i = 0; i < 400; i++) {
      if (((await json(`${nodes[2]!.url}/v1/status`)).height as number) >= target) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const blocks = await Promise.all(nodes.map((n) => json(`${n.url}/v1/blocks/${target}`)));
    expect(new Set(blocks.map((b) => b.hash)).size).toBe(1);
    expect(new Set(blocks.map((b) => (b.header as { stateRoot: string }).stateRoot)).size).toBe(1);
    for (const id of acknowledged) {
      const status = await json(`${nodes[2]!.url}/v1/transactions/${id}`);
      expect(status.status, id).toBe('committed');
    }
  });
});
