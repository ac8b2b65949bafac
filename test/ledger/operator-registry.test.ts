import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { DdiError } from '../../src/core/errors.ts';
import { base64url } from '../../src/core/encoding/base64url.ts';
import { generateKeyPair, publicKeyToMultibase, sign } from '../../src/core/keys/index.ts';
import { headerSigningInput } from '../../src/ledger/block.ts';
import type { Transaction } from '../../src/ledger/transaction.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { makeDid, openTestNode, governanceTx } from '../helpers/temp-node.ts';
import type { TestNode } from '../helpers/temp-node.ts';

let t: TestNode;
const second = generateKeyPair('sm2');
const secondId = publicKeyToMultibase('sm2', second.publicKey);
const nonce = () => randomBytes(9).toString('base64url');

const gov = (type: string, payload: object, signers?: number[]): Transaction =>
  governanceTx(t, type, payload, signers);
const signatureBy = (hash: string) => ({
  operator: secondId,
  sig: base64url.encode(sign('sm2', second.privateKey, headerSigningInput(hash))),
});

beforeAll(async () => {
  t = await openTestNode();
});
afterAll(async () => {
  await t.close();
});

describe('admitting and removing operators (governance)', () => {
  it('admits an operator from the next height on, which raises the quorum; removal lowers it again', async () => {
    const admit = { nonce: nonce(), name: 'operator-2', nodeKey: secondId };
    const refused = await t.node
      .submit(gov('gov.admitOperator', admit, [0]), { wait: true })
      .catch((e: unknown) => e);
    expect((refused as DdiError).code).toBe('unauthorized');

    const admitted = await t.node.submit(gov('gov.admitOperator', admit), { wait: true });
    if (admitted.status !== 'committed') throw new Error('not committed');
    const h = admitted.height;
    expect(t.ledger.operatorsAt(h)).toHaveLength(1);
    expect(t.ledger.operatorsAt(h + 1)).toContain(secondId);
    expect(t.ledger.quorumAt(h + 1)).toBe(2);
    expect(t.ledger.isFinal(h)).toBe(true);
    // Its signature does not count for a block before its admission.
    expect(
      t.ledger.addBlockSignature(
        h,
        t.ledger.blockAt(h).hash,
        signatureBy(t.ledger.blockAt(h).hash),
      ),
    ).toBe('invalid');

    const next = await t.node.submit(makeDid(t.chainId).createTx, { wait: true });
    if (next.status !== 'committed') throw new Error('not committed');
    expect(t.ledger.isFinal(next.height)).toBe(false);
    const hash = t.ledger.blockAt(next.height).hash;
    expect(t.ledger.addBlockSignature(next.height, hash, signatureBy(hash))).toBe('added');
    expect(t.ledger.isFinal(next.height)).toBe(true);
    expect(
      t.ledger.addBlockSignature(next.height, 'ab'.repeat(32), signatureBy('ab'.repeat(32))),
    ).toBe('mismatch');

    // After a restart the node still accepts the history it verified.
    await t.close();
    const reopened = Ledger.open({ dataDir: t.dataDir, operatorKey: t.operatorKey });
    expect(reopened.operatorsAt(next.height)).toContain(secondId);
    expect(reopened.blockAt(next.height).signatures).toHaveLength(2);
    reopened.close();
    t = await openTestNode(t);

    const removed = await t.node.submit(
      gov('gov.removeOperator', { nonce: nonce(), nodeKey: secondId, reason: 'contract ended' }),
      { wait: true },
    );
    if (removed.status !== 'committed') throw new Error('not committed');
    expect(t.ledger.quorumAt(removed.height + 1)).toBe(1);
    const last = await t.node
      .submit(
        gov('gov.removeOperator', {
          nonce: nonce(),
          nodeKey: t.genesis.operators[0]!.publicKeyMultibase,
        }),
        { wait: true },
      )
      .catch((e: unknown) => e);
    expect((last as DdiError).code).toBe('conflict');
  });
});
