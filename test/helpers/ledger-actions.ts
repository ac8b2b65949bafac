import { expect } from 'vitest';
import { DdiError } from '../../src/core/errors.ts';
import type { KeyPair, KeyTypeName } from '../../src/core/keys/key-type.ts';
import { signTransaction } from '../../src/ledger/transaction.ts';
import type { Transaction } from '../../src/ledger/transaction.ts';
import { makeDid } from './temp-node.ts';
import type { TestDid, TestNode } from './temp-node.ts';

/**
 * The steps registry tests repeat against an in-process node: sign as a DID, commit and get
 * the block, expect a rejection (which must change nothing), create a DID. `node` is a getter
 * because tests open their node in beforeAll.
 */
export function ledgerActions(node: () => TestNode) {
  /** A transaction signed by the DID's key-1 (or another key, to forge one). */
  const by = (d: TestDid, type: string, payload: object, key: KeyPair = d.signing): Transaction =>
    signTransaction({ chainId: node().chainId, type, payload }, [
      { kid: `${d.did}#key-1`, type: key.type, privateKey: key.privateKey },
    ]);

  /** Submits and waits; throws unless committed. Returns the id, height and block time. */
  const commit = async (tx: Transaction): Promise<{ id: string; height: number; time: number }> => {
    const t = node();
    const result = await t.node.submit(tx, { wait: true });
    if (result.status !== 'committed') throw new Error(`not committed: ${JSON.stringify(result)}`);
    return {
      id: result.id,
      height: result.height,
      time: t.ledger.blockAt(result.height).header.time,
    };
  };

  /** Expects the transaction rejected with `code`, and the state root unchanged. */
  const rejected = async (tx: Transaction, code: string): Promise<DdiError> => {
    const t = node();
    const root = t.ledger.head().header.stateRoot;
    const err = await t.node.submit(tx, { wait: true }).then(
      (r) => new Error(`expected ${code}, got ${JSON.stringify(r)}`),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DdiError);
    expect((err as DdiError).code).toBe(code);
    expect(t.ledger.head().header.stateRoot).toBe(root);
    return err as DdiError;
  };

  /** A new DID, committed. */
  const newDid = async (type: KeyTypeName = 'sm2'): Promise<TestDid> => {
    const d = makeDid(node().chainId, type);
    await commit(d.createTx);
    return d;
  };

  return { by, commit, rejected, newDid };
}
