import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  DEV_OPERATOR_PASSPHRASE,
  loadOrCreateOperatorKey,
} from '../../src/services/node/operator-key.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { makeDid, tempDir } from '../helpers/temp-node.ts';
import { kill9, startNodeProcess, stopGracefully } from '../helpers/node-process.ts';
import type { NodeProcess } from '../helpers/node-process.ts';

const { dir, cleanup } = tempDir('ddi-crash-');
const dataDir = join(dir, 'node');
afterAll(cleanup);

async function chainId(url: string): Promise<string> {
  return ((await (await fetch(`${url}/v1/status`)).json()) as { chainId: string }).chainId;
}

describe('kill -9 in the middle of a stream of writes', () => {
  it('keeps every acknowledged transaction and the same state root after restart', async () => {
    let node: NodeProcess = await startNodeProcess(dataDir);
    const chain = await chainId(node.url);
    const acknowledged = new Set<string>();
    let stop = false;
    let sent = 0;
    // Eight concurrent writers; half wait for commit (200), half only for acceptance (202).
    const writer = async (w: number) => {
      while (!stop) {
        const { createTx } = makeDid(chain, 'ed25519');
        const wait = w % 2 === 0;
        sent++;
        try {
          const res = await fetch(`${node.url}/v1/transactions${wait ? '?wait=true' : ''}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(createTx),
          });
          const body = (await res.json()) as { id: string };
          if (res.status === 200 || res.status === 202) acknowledged.add(body.id);
        } catch {
          return; // the node is gone: this request was never acknowledged
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    while (acknowledged.size < 400) await new Promise((r) => setTimeout(r, 5));
    await kill9(node.child);
    stop = true;
    await Promise.all(writers);
    expect(sent).toBeGreaterThan(acknowledged.size);

    node = await startNodeProcess(dataDir);
    for (const id of acknowledged) {
      let status = '';
      for (let i = 0; i < 100 && status !== 'committed'; i++) {
        status = (
          (await (await fetch(`${node.url}/v1/transactions/${id}`)).json()) as { status: string }
        ).status;
        if (status === 'pending') await new Promise((r) => setTimeout(r, 50));
      }
      expect(status, `acknowledged ${id}`).toBe('committed');
    }
    const head = (await (await fetch(`${node.url}/v1/blocks/latest`)).json()) as {
      header: { height: number; stateRoot: string };
    };
    const status = (await (await fetch(`${node.url}/v1/status`)).json()) as {
      stateRoot: string;
      height: number;
    };
    expect(status.stateRoot).toBe(head.header.stateRoot);
    expect(await stopGracefully(node.child)).toBe(0);

    // Replaying every block from genesis on a fresh ledger must give the same headers: the state survived intact.
    const { key: operatorKey } = loadOrCreateOperatorKey(dataDir, DEV_OPERATOR_PASSPHRASE);
    const original = Ledger.open({ dataDir, operatorKey });
    const replayDir = tempDir('ddi-replay-');
    const replay = Ledger.open({ dataDir: replayDir.dir, genesis: original.genesis, operatorKey });
    const lastHeight = original.head().header.height;
    expect(lastHeight).toBe(head.header.height);
    for (let h = 1; h <= lastHeight; h++) {
      const block = original.store.getBlock(h)!;
      const txs = block.txIds.map((id) => ({ id, tx: original.store.getTransaction(id)!.tx }));
      const { block: rebuilt } = replay.commitBatch(txs, block.header.time);
      expect(rebuilt?.hash, `block ${h}`).toBe(block.hash);
    }
    expect(replay.state.root()).toBe(status.stateRoot);
    original.close();
    replay.close();
    replayDir.cleanup();
  });
});
