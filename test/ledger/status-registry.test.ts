import { ledgerActions } from '../helpers/ledger-actions.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { DdiError } from '../../src/core/errors.ts';
import { signTransaction } from '../../src/ledger/transaction.ts';
import type { Transaction } from '../../src/ledger/transaction.ts';
import {
  decodeBitstring,
  decodeTokenStatusList,
  encodeBitstring,
  bitstringForPurpose,
  encodeTokenStatusList,
  encodeTokenStatusListBytes,
  unpackTokenStatuses,
} from '../../src/core/status/index.ts';
import {
  STATUS_PAGE_ENTRIES,
  readStatusList,
  statusListBytes,
  statusOf,
  statusPageKey,
} from '../../src/ledger/registries/status-registry.ts';
import { openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode, TestRegulator } from '../helpers/temp-node.ts';

const YEAR = 365 * 24 * 3600 * 1000;

let t: TestNode;
const { by, rejected, newDid, commit } = ledgerActions(() => t);
let reg: TestRegulator;
let issuer: TestDid;
let otherIssuer: TestDid;
let stranger: TestDid;
const nonce = () => randomBytes(12).toString('base64url');
const listId = () => randomBytes(12).toString('base64url');

/** A governance transaction signed by gov-1 and gov-2. */
function gov(type: string, payload: object): Transaction {
  return signTransaction(
    { chainId: t.chainId, type, payload },
    [0, 1].map((i) => ({
      kid: `${reg.did}#gov-${i + 1}`,
      type: reg.governanceKeys[i]!.type,
      privateKey: reg.governanceKeys[i]!.privateKey,
    })),
  );
}

/** A transaction signed by one DID's key-1. */

/** Accredits `d` as a credential issuer (by the regulator); returns the accreditation id. */
async function accreditIssuer(d: TestDid): Promise<string> {
  const payload = {
    nonce: nonce(),
    subject: d.did,
    role: 'credentialIssuer',
    scope: { credentialTypes: ['UniversityDegreeCredential'] },
    validUntil: Date.now() + YEAR,
  };
  return (await commit(gov('trust.accredit', payload))).id;
}

const state = () => t.ledger.state;
const create = (d: TestDid, payload: object) => by(d, 'status.createList', payload);
const set = (d: TestDid, payload: object) => by(d, 'status.set', payload);

beforeAll(async () => {
  t = await openTestNode();
  reg = t.regulator!;
  issuer = await newDid('ed25519');
  otherIssuer = await newDid('ed25519');
  stranger = await newDid('ed25519');
  await accreditIssuer(issuer);
  await accreditIssuer(otherIssuer);
});
afterAll(async () => {
  await t.close();
});

describe('status.createList', () => {
  it('creates a list owned by an accredited issuer, writing only its record', async () => {
    const id = listId();
    const { height } = await commit(
      create(issuer, { listId: id, purpose: 'revocation+suspension' }),
    );
    expect(readStatusList(state(), issuer.did, id)).toMatchObject({
      listId: id,
      owner: issuer.did,
      size: 131_072,
      bits: 2,
      purpose: 'revocation+suspension',
      version: 1,
      updatedHeight: height,
    });
    expect(state().get(statusPageKey(issuer.did, id, 0))).toBeUndefined();
    expect(statusOf(state(), issuer.did, id, 131_071)).toBe(0);
    await rejected(create(issuer, { listId: id, purpose: 'revocation' }), 'conflict');
  });

  it('refuses a DID that is not an accredited issuer', async () => {
    const err = await rejected(
      create(stranger, { listId: listId(), purpose: 'revocation' }),
      'unauthorized',
    );
    expect(err.details).toEqual({ reason: 'notAccredited' });
  });

  it('refuses an issuer whose accreditation is suspended, and accepts it again once reinstated', async () => {
    const d = await newDid('ed25519');
    const acc = await accreditIssuer(d);
    await commit(
      gov('trust.setStatus', { accreditation: acc, previousVersion: 1, status: 'suspended' }),
    );
    const err = await rejected(
      create(d, { listId: listId(), purpose: 'revocation' }),
      'unauthorized',
    );
    expect(err.details).toEqual({ reason: 'suspended' });
    await commit(
      gov('trust.setStatus', { accreditation: acc, previousVersion: 2, status: 'active' }),
    );
    await commit(create(d, { listId: listId(), purpose: 'revocation' }));
  });

  it('checks listId, size, bits and purpose', async () => {
    const bad: object[] = [
      { listId: 'short', purpose: 'revocation' },
      { listId: 'has/slash-in-it', purpose: 'revocation' },
      { listId: listId(), purpose: 'revocation', size: 131_073 },
      { listId: listId(), purpose: 'revocation', size: 65_536 },
      { listId: listId(), purpose: 'revocation', size: 2_097_152 },
      { listId: listId(), purpose: 'suspension', bits: 1 },
      { listId: listId(), purpose: 'revocation', bits: 4 },
      { listId: listId(), purpose: 'refresh' },
      { listId: listId(), purpose: 'revocation', owner: issuer.did },
    ];
    for (const payload of bad) await rejected(create(issuer, payload), 'malformed');
    const id = listId();
    await commit(create(issuer, { listId: id, purpose: 'revocation', bits: 1, size: 1_048_576 }));
    expect(readStatusList(state(), issuer.did, id)).toMatchObject({ bits: 1, size: 1_048_576 });
  });
});

describe('status.set', () => {
  let id: string;
  let version = 1;
  const change = (changes: object[], previousVersion = version) => ({
    owner: issuer.did,
    listId: id,
    changes,
    previousVersion,
  });

  beforeAll(async () => {
    id = listId();
    await commit(create(issuer, { listId: id, purpose: 'revocation+suspension', size: 262_144 }));
  });

  it('revokes, suspends and reinstates entries; statusOf reads them back', async () => {
    await commit(
      set(
        issuer,
        change([
          { index: 0, status: 1 },
          { index: 5, status: 2 },
          { index: 40_000, status: 2 },
          { index: 262_143, status: 1 },
        ]),
      ),
    );
    version++;
    expect([0, 1, 5, 40_000, 262_143].map((i) => statusOf(state(), issuer.did, id, i))).toEqual([
      1, 0, 2, 2, 1,
    ]);
    await commit(set(issuer, change([{ index: 5, status: 0 }])));
    version++;
    expect(statusOf(state(), issuer.did, id, 5)).toBe(0);
    expect(readStatusList(state(), issuer.did, id)!.version).toBe(3);
  });

  it('stores only the pages it touched', () => {
    expect(state().get(statusPageKey(issuer.did, id, 0))).toBeDefined();
    expect(
      state().get(statusPageKey(issuer.did, id, Math.floor(40_000 / STATUS_PAGE_ENTRIES))),
    ).toBeDefined();
    expect(state().get(statusPageKey(issuer.did, id, 15))).toBeDefined();
    expect(state().get(statusPageKey(issuer.did, id, 1))).toBeUndefined();
    // A 2-bit page of 16,384 entries is 4 KiB.
    expect(Buffer.from(state().get(statusPageKey(issuer.did, id, 0))!, 'base64').length).toBe(4096);
  });

  it('refuses anyone but the owner — even an accredited issuer, even a change of nothing', async () => {
    // Entry 1 is VALID already: this "update" would change no status.
    await rejected(set(otherIssuer, change([{ index: 1, status: 0 }])), 'unauthorized');
    await rejected(set(stranger, change([{ index: 0, status: 1 }])), 'unauthorized');
    // Naming itself as owner does not help: the list is keyed by its real owner.
    await rejected(
      set(otherIssuer, { ...change([{ index: 1, status: 0 }]), owner: otherIssuer.did }),
      'notFound',
    );
    expect(readStatusList(state(), issuer.did, id)!.version).toBe(version);
  });

  it('refuses a stale previousVersion', async () => {
    const err = await rejected(
      set(issuer, change([{ index: 9, status: 2 }], version - 1)),
      'staleVersion',
    );
    expect(err.details).toEqual({ currentVersion: version });
  });

  it('refuses an index outside the list, a bad status value, duplicates, and rolls back the whole change', async () => {
    for (const index of [262_144, -1, 1.5, '3']) {
      await rejected(
        set(
          issuer,
          change([
            { index: 7, status: 1 },
            { index, status: 1 },
          ]),
        ),
        'malformed',
      );
    }
    for (const status of [3, -1, '1', null]) {
      await rejected(
        set(
          issuer,
          change([
            { index: 7, status: 1 },
            { index: 8, status },
          ]),
        ),
        'malformed',
      );
    }
    await rejected(
      set(
        issuer,
        change([
          { index: 7, status: 1 },
          { index: 7, status: 2 },
        ]),
      ),
      'malformed',
    );
    await rejected(set(issuer, change([{ index: 7, status: 1, note: 'x' }])), 'malformed');
    await rejected(set(issuer, change([])), 'malformed');
    const many = Array.from({ length: 1001 }, (_, i) => ({ index: i + 100, status: 2 }));
    await rejected(set(issuer, change(many)), 'tooLarge');
    expect(statusOf(state(), issuer.did, id, 7)).toBe(0);
  });

  it('keeps revocation final', async () => {
    const err = await rejected(set(issuer, change([{ index: 0, status: 0 }])), 'conflict');
    expect(err.details).toEqual({ index: 0 });
    await rejected(set(issuer, change([{ index: 262_143, status: 2 }])), 'conflict');
  });

  it('accepts a full batch of 1,000 changes', async () => {
    const changes = Array.from({ length: 1000 }, (_, i) => ({
      index: 100_000 + i * 97,
      status: 2,
    }));
    await commit(set(issuer, change(changes)));
    version++;
    expect(statusOf(state(), issuer.did, id, 100_000 + 999 * 97)).toBe(2);
    expect(statusOf(state(), issuer.did, id, 100_001)).toBe(0);
  });

  it("allows only the purpose's values: no suspension in a revocation list, no revocation in a suspension list", async () => {
    const rev = listId();
    const sus = listId();
    await commit(create(issuer, { listId: rev, purpose: 'revocation', bits: 1 }));
    await commit(create(issuer, { listId: sus, purpose: 'suspension' }));
    const payload = (list: string, status: number) => ({
      owner: issuer.did,
      listId: list,
      changes: [{ index: 3, status }],
      previousVersion: 1,
    });
    await rejected(set(issuer, payload(rev, 2)), 'malformed');
    await rejected(set(issuer, payload(sus, 1)), 'malformed');
    await commit(set(issuer, payload(rev, 1)));
    await commit(set(issuer, payload(sus, 2)));
    expect(statusOf(state(), issuer.did, rev, 3)).toBe(1);
    expect(statusOf(state(), issuer.did, sus, 3)).toBe(2);
    expect(statusListBytes(state(), issuer.did, rev).length).toBe(131_072 / 8);
  });

  it('serves the ledger bytes as a Token Status List and as Bitstring Status Lists', () => {
    const list = readStatusList(state(), issuer.did, id)!;
    const bytes = statusListBytes(state(), issuer.did, id);
    expect(bytes.length).toBe((list.size * list.bits) / 8);
    const expected = new Uint8Array(list.size);
    expected[0] = 1;
    expected[40_000] = 2;
    expected[262_143] = 1;
    for (let i = 0; i < 1000; i++) expected[100_000 + i * 97] = 2;

    const token = decodeTokenStatusList(encodeTokenStatusListBytes(bytes, list.bits));
    expect(token.size).toBe(list.size);
    const statuses = unpackTokenStatuses(token.packed, token.bits);
    expect(Buffer.from(statuses).equals(Buffer.from(expected))).toBe(true);
    // The same list from one value per entry compresses to the same thing.
    expect(encodeTokenStatusList(statuses, 2)).toEqual(encodeTokenStatusListBytes(bytes, 2));

    const revocation = decodeBitstring(
      encodeBitstring(bitstringForPurpose(statuses, 'revocation')),
    );
    const suspension = decodeBitstring(
      encodeBitstring(bitstringForPurpose(statuses, 'suspension')),
    );
    for (const i of [0, 5, 40_000, 100_000, 262_143, 131_072])
      expect([revocation.statusAt(i), suspension.statusAt(i)]).toEqual([
        expected[i] === 1 ? 1 : 0,
        expected[i] === 2 ? 1 : 0,
      ]);
  });

  it('reports a missing list as notFound in the read helpers', () => {
    expect(readStatusList(state(), issuer.did, 'no-such-list')).toBeUndefined();
    expect(() => statusOf(state(), issuer.did, 'no-such-list', 0)).toThrow(DdiError);
    expect(() => statusOf(state(), issuer.did, id, 262_144)).toThrow(/outside the list/);
  });
});
