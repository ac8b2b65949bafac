import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, publicKeyToMultibase, sign } from '../../src/core/keys/index.ts';
import { VerificationPool } from '../../src/ledger/verification/verification-pool.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { LedgerNode } from '../../src/ledger/ledger-node.ts';
import { EmbeddedOrderer } from '../../src/ledger/ordering/embedded-orderer.ts';
import { signTransaction } from '../../src/ledger/transaction.ts';
import { DdiError } from '../../src/core/errors.ts';
import { makeDid, openTestNode } from '../helpers/temp-node.ts';

let pool: VerificationPool;
beforeAll(async () => {
  pool = await VerificationPool.start(1);
});
afterAll(async () => {
  await pool.close();
});

describe('verification pool (worker thread)', () => {
  it('verifies signatures and decodes Multikeys off the main thread, rejecting bad ones', async () => {
    const message = new TextEncoder().encode('hello');
    const jobs = (['ed25519', 'p256', 'secp256k1', 'sm2'] as const).map((type) => {
      const key = generateKeyPair(type);
      const signature = sign(type, key.privateKey, message);
      const tampered = Uint8Array.from(signature);
      tampered[5]! ^= 1;
      return {
        multikeys: [publicKeyToMultibase(type, key.publicKey), 'z11111'],
        signatures: [
          { type, publicKey: key.publicKey, input: message, signature },
          { type, publicKey: key.publicKey, input: message, signature: tampered },
        ],
      };
    });
    const results = await Promise.all(jobs.map((job) => pool.run(job)));
    results.forEach((r, i) => {
      expect(r.signatures).toEqual([true, false]);
      expect(r.multikeys[0]?.type).toBe(jobs[i]!.signatures[0]!.type);
      expect(r.multikeys[1]).toBeNull();
    });
  });

  it('leaves the decision to the real check: a node with a pool still rejects a bad signature', async () => {
    const t = await openTestNode();
    await t.close();
    const ledger = Ledger.open({ dataDir: t.dataDir, operatorKey: t.operatorKey });
    const node = new LedgerNode(
      ledger,
      new EmbeddedOrderer({ lastBlockTime: ledger.head().header.time }),
      pool,
    );
    await node.start();
    const good = makeDid(t.chainId, 'sm2');
    expect((await node.submit(good.createTx, { wait: true })).status).toBe('committed');
    const forged = makeDid(t.chainId, 'ed25519');
    const bad = signTransaction(forged.createTx.body, [
      {
        kid: forged.createTx.proofs[0]!.kid,
        type: 'ed25519',
        privateKey: generateKeyPair('ed25519').privateKey,
      },
    ]);
    const err = await node.submit(bad, { wait: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DdiError);
    expect((err as DdiError).code).toBe('badSignature');
    await node.close();
  });

  it('falls back to verifying inline when its worker dies', async () => {
    const fragile = await VerificationPool.start(1);
    const workers = (fragile as unknown as { workers: Array<{ terminate(): Promise<number> }> })
      .workers;
    await workers[0]!.terminate();
    const key = generateKeyPair('ed25519');
    const message = new Uint8Array([1, 2, 3]);
    const result = await fragile.run({
      multikeys: [],
      signatures: [
        {
          type: 'ed25519',
          publicKey: key.publicKey,
          input: message,
          signature: sign('ed25519', key.privateKey, message),
        },
      ],
    });
    expect(result.signatures).toEqual([true]);
    await fragile.close();
  });
});
