import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { generateKeyPair, publicKeyToMultibase } from '../../src/core/keys/index.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { LedgerNode } from '../../src/ledger/ledger-node.ts';
import type { Orderer } from '../../src/ledger/ordering/orderer.ts';
import { makeDid, openTestNode, tempDir } from '../helpers/temp-node.ts';
import type { DdiError } from '../../src/core/errors.ts';

async function ledgerWithDids(count: number) {
  const t = await openTestNode();
  for (let i = 0; i < count; i++) await t.node.submit(makeDid(t.chainId).createTx, { wait: true });
  const head = t.ledger.head();
  await t.close();
  return { ...t, head };
}

function openError(fn: () => unknown): DdiError {
  try {
    fn();
  } catch (err) {
    return err as DdiError;
  }
  throw new Error('expected Ledger.open to fail');
}

describe('ledger persistence', () => {
  it('reopens with the same head and state root, verifying the chain', async () => {
    const t = await ledgerWithDids(5);
    const reopened = Ledger.open({ dataDir: t.dataDir, operatorKey: t.operatorKey });
    expect(reopened.head().hash).toBe(t.head.hash);
    expect(reopened.state.root()).toBe(t.head.header.stateRoot);
    expect(reopened.head().header.height).toBe(5);
    reopened.close();
  });

  it('refuses a data directory made from a different genesis', async () => {
    const t = await ledgerWithDids(1);
    const other = { ...t.genesis, chainId: 'another-network' };
    const err = openError(() =>
      Ledger.open({ dataDir: t.dataDir, operatorKey: t.operatorKey, genesis: other }),
    );
    expect(err.code).toBe('conflict');
  });

  it('detects a tampered block header', async () => {
    const t = await ledgerWithDids(3);
    const db = new Database(join(t.dataDir, 'ledger.sqlite'));
    const row = db.prepare('SELECT header FROM blocks WHERE height = 2').get() as {
      header: string;
    };
    const header = JSON.parse(row.header);
    header.txCount = 7;
    db.prepare('UPDATE blocks SET header = ? WHERE height = 2').run(JSON.stringify(header));
    db.close();
    const err = openError(() => Ledger.open({ dataDir: t.dataDir, operatorKey: t.operatorKey }));
    expect(err.code).toBe('corrupt');
    expect(err.details).toEqual({ height: 2 });
  });

  it('detects tampered world state (state root mismatch)', async () => {
    const t = await ledgerWithDids(2);
    const db = new Database(join(t.dataDir, 'ledger.sqlite'));
    const row = db.prepare("SELECT key, value FROM state WHERE key LIKE 'did/%' LIMIT 1").get() as {
      key: string;
      value: string;
    };
    const record = JSON.parse(row.value);
    record.recoveryCommitment = 'A'.repeat(43);
    db.prepare('UPDATE state SET value = ? WHERE key = ?').run(JSON.stringify(record), row.key);
    db.close();
    const err = openError(() => Ledger.open({ dataDir: t.dataDir, operatorKey: t.operatorKey }));
    expect(err.code).toBe('corrupt');
    expect(err.message).toMatch(/state root/);
  });

  it('detects a block signed by a key that is not an operator', async () => {
    const t = await ledgerWithDids(1);
    const db = new Database(join(t.dataDir, 'ledger.sqlite'));
    const stranger = generateKeyPair('ed25519');
    db.prepare('UPDATE blocks SET signatures = ? WHERE height = 1').run(
      JSON.stringify([
        { operator: publicKeyToMultibase('ed25519', stranger.publicKey), sig: 'AAAA' },
      ]),
    );
    db.close();
    const err = openError(() => Ledger.open({ dataDir: t.dataDir, operatorKey: t.operatorKey }));
    expect(err.code).toBe('corrupt');
  });

  it('needs a genesis to initialise an empty directory', () => {
    const { dir, cleanup } = tempDir();
    const err = openError(() =>
      Ledger.open({ dataDir: dir, operatorKey: generateKeyPair('ed25519') }),
    );
    expect(err.code).toBe('notFound');
    cleanup();
  });

  it('keeps accepted (non-waiting) transactions in a journal and commits them after a restart', async () => {
    const t = await openTestNode();
    await t.close();
    // Test double: an orderer that accepts and never orders, i.e. the node dies before its next block.
    const stalled: Orderer = {
      kind: 'stalled (test double)',
      start: async () => {},
      submit: async () => {},
      stop: async () => {},
    };
    const ledger = Ledger.open({ dataDir: t.dataDir, operatorKey: t.operatorKey });
    const node = new LedgerNode(ledger, stalled);
    await node.start();
    const d = makeDid(t.chainId);
    const { id, status } = await node.submit(d.createTx);
    expect(status).toBe('pending');
    await node.close();

    const again = await openTestNode(t);
    expect((await again.node.waitFor(id, 10_000)).status).toBe('committed');
    await again.close();
  });
});
