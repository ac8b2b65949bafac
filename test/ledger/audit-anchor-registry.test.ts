import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { generateKeyPair } from '../../src/core/keys/index.ts';
import {
  readAuditAnchorAt,
  readLatestAuditAnchor,
} from '../../src/ledger/registries/audit-anchor-registry.ts';
import { ledgerActions } from '../helpers/ledger-actions.ts';
import { openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

let t: TestNode;
const { by, commit, rejected, newDid } = ledgerActions(() => t);
let hospital: TestDid;
let other: TestDid;
const head = (text: string) => createHash('sha256').update(text).digest('hex');
const state = () => t.ledger.state;

beforeAll(async () => {
  t = await openTestNode();
  hospital = await newDid('sm2');
  other = await newDid('ed25519');
});
afterAll(async () => {
  await t.close();
});

describe('audit.anchor', () => {
  it('keeps the latest head and each anchored one, with strictly increasing sequence', async () => {
    const anchor = (sequence: number, h = head(`entry ${sequence}`)) =>
      by(hospital, 'audit.anchor', { holder: hospital.did, logId: 'records', sequence, head: h });
    const first = await commit(anchor(3));
    expect(readLatestAuditAnchor(state(), hospital.did, 'records')).toEqual({
      holder: hospital.did,
      logId: 'records',
      sequence: 3,
      head: head('entry 3'),
      previous: null,
      time: first.time,
      height: first.height,
      txId: first.id,
    });
    await commit(anchor(10));
    expect(readLatestAuditAnchor(state(), hospital.did, 'records')).toMatchObject({
      sequence: 10,
      previous: 3,
    });
    expect(readAuditAnchorAt(state(), hospital.did, 'records', 3)?.head).toBe(head('entry 3'));
    expect(readAuditAnchorAt(state(), hospital.did, 'records', 5)).toBeUndefined();

    // Going back, or anchoring the same sequence with another head, is refused.
    const back = await rejected(anchor(9), 'conflict');
    expect(back.details).toEqual({ latestSequence: 10 });
    await rejected(anchor(10, head('rewritten')), 'conflict');
    // The same transaction again is a replay.
    await rejected(anchor(10), 'replay');
    // Another log of the same holder has its own sequence.
    await commit(
      by(hospital, 'audit.anchor', {
        holder: hospital.did,
        logId: 'lab',
        sequence: 1,
        head: head('lab 1'),
      }),
    );
  });

  it('is signed by the holder only', async () => {
    const payload = { holder: hospital.did, logId: 'records', sequence: 50, head: head('x') };
    await rejected(by(other, 'audit.anchor', payload), 'unauthorized');
    await rejected(by(hospital, 'audit.anchor', payload, generateKeyPair('sm2')), 'badSignature');
  });

  it('refuses malformed anchors', async () => {
    const ok = { holder: hospital.did, logId: 'records', sequence: 60, head: head('y') };
    for (const payload of [
      { ...ok, sequence: 0 },
      { ...ok, sequence: 1.5 },
      { ...ok, sequence: '61' },
      { ...ok, head: head('y').toUpperCase() },
      { ...ok, head: 'abcd' },
      { ...ok, logId: '' },
      { ...ok, logId: 'a/b' },
      { ...ok, logId: 'x'.repeat(65) },
      { ...ok, holder: 42 },
      { ...ok, patient: 'Zhang San' },
    ]) {
      await rejected(by(hospital, 'audit.anchor', payload), 'malformed');
    }
  });
});
