import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DdiError, ErrorCode } from '../../src/core/errors.ts';
import { submitUntilFinal } from '../../src/clients/sdk/actions/submit-until-final.ts';
import { inProcessTransport } from '../../src/clients/sdk/transports/in-process.ts';
import type { Transport } from '../../src/clients/sdk/transport.ts';
import { makeDid, openTestNode } from '../helpers/temp-node.ts';
import type { TestNode } from '../helpers/temp-node.ts';

let t: TestNode;
let node: Transport;
beforeAll(async () => {
  t = await openTestNode();
  node = inProcessTransport(t.node);
});
afterAll(async () => {
  await t.close();
});

describe('submitUntilFinal (the client keeps a transaction until a final block has it)', () => {
  it('moves on to the next node when one is unavailable, resubmitting the same transaction', async () => {
    let calls = 0;
    // Test double: a node that is down.
    const down: Transport = {
      ...node,
      submit: async () => {
        calls++;
        throw new DdiError(ErrorCode.Unavailable, 'node is down');
      },
    };
    const d = makeDid(t.chainId);
    const status = await submitUntilFinal([down, node], d.createTx, { timeoutMs: 10_000 });
    expect(calls).toBe(1);
    expect(status).toMatchObject({ status: 'committed' });
    expect(t.ledger.isFinal((status as { height: number }).height)).toBe(true);
  });

  it('treats "already on the ledger" as success once that block is final', async () => {
    const d = makeDid(t.chainId);
    await t.node.submit(d.createTx, { wait: true });
    const status = await submitUntilFinal(node, d.createTx);
    expect(status).toMatchObject({ status: 'committed' });
  });

  it('gives up on a rejection at once, and on endless unavailability after its deadline', async () => {
    const d = makeDid(t.chainId);
    const bad = { ...d.createTx, body: { ...d.createTx.body, chainId: 'elsewhere' } };
    const err = await submitUntilFinal(node, bad).catch((e: unknown) => e);
    expect((err as DdiError).code).toBe('wrongChain');
    const down: Transport = {
      ...node,
      submit: async () => Promise.reject(new DdiError(ErrorCode.Unavailable, 'down')),
    };
    const timedOut = await submitUntilFinal(down, d.createTx, { timeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect((timedOut as DdiError).code).toBe('timeout');
  });
});
