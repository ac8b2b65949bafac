import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DdiError } from '../../src/core/errors.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { LedgerNode } from '../../src/ledger/ledger-node.ts';
import type { Orderer } from '../../src/ledger/ordering/orderer.ts';
import { decodeTransaction } from '../../src/ledger/transaction.ts';
import type { Transaction } from '../../src/ledger/transaction.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import { createClient, inProcessTransport } from '../../src/clients/sdk/index.ts';
import type { PreparedDevice } from '../../src/clients/sdk/index.ts';
import { didSigner } from '../../src/clients/sdk/utils/did-signer.ts';
import { makeDid, openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

// The batch submission's per-entry outcomes when the ordering service stalls or fails one
// entry, and a transaction given twice in one batch.

/**
 * Test double: an ordering service that takes transactions and never orders them (a
 * replicated backend that lost its quorum), recording what it was handed, and failing —
 * with a plain Error, as a client library would — for the ids in `failing`.
 */
class StalledOrderer implements Orderer {
  readonly kind = 'stalled (test double)';
  readonly submitted: string[] = [];
  readonly failing = new Set<string>();
  async start(): Promise<void> {}
  async submit(items: Array<{ id: string; tx: Transaction }>): Promise<void> {
    for (const item of items) {
      if (this.failing.has(item.id)) throw new Error('ordering service refused the message');
      this.submitted.push(item.id);
    }
  }
  async stop(): Promise<void> {}
}

const idOf = (d: TestDid): string => decodeTransaction(d.createTx).id;

let t: TestNode;
let org: TestDid;
let device: PreparedDevice;
let orderer: StalledOrderer;
let stalled: LedgerNode;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  // A real node registers a device, then the same ledger reopens behind a stalled orderer.
  t = await openTestNode();
  org = makeDid(t.chainId, 'ed25519');
  await t.node.submit(org.createTx, { wait: true });
  const client = createClient(inProcessTransport(t.node));
  device = (await client.prepareDevices({ controller: org.did, count: 1 }))[0]!;
  const registered = await client.registerDevices({
    signer: didSigner(org.did, 'key-1', org.signing),
    devices: [device!],
  });
  expect(registered.registered).toEqual([device!.did]);
  await t.close();
  orderer = new StalledOrderer();
  stalled = new LedgerNode(
    Ledger.open({ dataDir: t.dataDir, operatorKey: t.operatorKey }),
    orderer,
  );
  await stalled.start();
  app = await buildHttpServer(stalled);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await app.close();
  await stalled.close();
});

describe('batch submission', () => {
  it('answers timeout, not pending, for an entry not committed within the wait (not journalled)', async () => {
    const txs = [makeDid(t.chainId).createTx, makeDid(t.chainId).createTx];
    const results = await stalled.submitBatch(txs, { wait: true, timeoutMs: 1 });
    expect(results.map((r) => r.status)).toEqual(['timeout', 'timeout']);
    expect(results[0]).toMatchObject({ message: expect.stringMatching(/not committed/) });
    // Nothing of it is on disk: `pending` would have claimed it was.
    expect(stalled.ledger.store.allPending()).toEqual([]);

    const res = await fetch(`${base}/v1/transactions/batch?wait=true&timeoutMs=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transactions: [makeDid(t.chainId).createTx] }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ committed: 0, pending: 0, timeout: 1, rejected: 0 });
    expect(body.results).toEqual([
      expect.objectContaining({ status: 'timeout', message: expect.any(String) }),
    ]);

    // Without wait, `pending` still means journalled.
    const queued = await stalled.submitBatch([makeDid(t.chainId).createTx]);
    expect(queued.map((r) => r.status)).toEqual(['pending']);
    expect(stalled.ledger.store.allPending().map((p) => p.id)).toEqual([queued[0]!.id]);
  });

  it('treats only committed as a done decommission', async () => {
    const client = createClient(inProcessTransport(stalled));
    const err = await client
      .decommissionDevice({
        device: device.did,
        signer: didSigner(org.did, 'key-1', org.signing),
        timeoutMs: 1,
      })
      .then(
        () => undefined,
        (e: unknown) => e as DdiError,
      );
    expect(err).toBeInstanceOf(DdiError);
    expect(err!.code).toBe('timeout');
    expect(err!.details).toMatchObject({ status: 'timeout' });
  });

  it('turns an unexpected failure of one entry into its own rejected result', async () => {
    const [good1, bad, good2] = [0, 1, 2].map(() => makeDid(t.chainId));
    orderer.failing.add(idOf(bad!));
    const results = await stalled.submitBatch([good1!.createTx, bad!.createTx, good2!.createTx]);
    expect(results.map((r) => [r.id, r.status, 'code' in r ? r.code : undefined])).toEqual([
      [idOf(good1!), 'pending', undefined],
      [idOf(bad!), 'rejected', 'internal'],
      [idOf(good2!), 'pending', undefined],
    ]);
    // The internal error's text stays in the node.
    expect(JSON.stringify(results)).not.toContain('ordering service refused');
  });

  it('submits a transaction given twice in one batch once, answering the copies as duplicates', async () => {
    const d = makeDid(t.chainId);
    const other = makeDid(t.chainId);
    const before = orderer.submitted.length;
    const results = await stalled.submitBatch([d.createTx, other.createTx, d.createTx, d.createTx]);
    expect(results.map((r) => [r.id, r.status, 'code' in r ? r.code : undefined])).toEqual([
      [idOf(d), 'pending', undefined],
      [idOf(other), 'pending', undefined],
      [idOf(d), 'rejected', 'replay'],
      [idOf(d), 'rejected', 'replay'],
    ]);
    expect(results[3]).toMatchObject({ details: { duplicateOf: 0 } });
    expect(orderer.submitted.slice(before).sort()).toEqual([idOf(d), idOf(other)].sort());
  });
});
