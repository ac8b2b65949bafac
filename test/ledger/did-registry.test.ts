import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPair, publicKeyToMultibase } from '../../src/core/keys/index.ts';
import type { KeyPair, KeyTypeName } from '../../src/core/keys/key-type.ts';
import { recoveryCommitment } from '../../src/core/did/index.ts';
import type { DidDocumentContent } from '../../src/core/did/index.ts';
import { signTransaction } from '../../src/ledger/transaction.ts';
import { readDidRecord, RECOVERY_KID } from '../../src/ledger/registries/did-registry.ts';
import { contentFor, makeDid, openTestNode } from '../helpers/temp-node.ts';
import type { TestNode } from '../helpers/temp-node.ts';
import { DdiError } from '../../src/core/errors.ts';

let t: TestNode;
beforeEach(async () => {
  t = await openTestNode();
});
afterEach(async () => {
  await t.close();
});

function signed(type: string, payload: unknown, kid: string, key: KeyPair) {
  return signTransaction({ chainId: t.chainId, type, payload }, [
    { kid, type: key.type, privateKey: key.privateKey },
  ]);
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(DdiError);
  expect((err as DdiError).code).toBe(code);
}

async function submitAndExpectCode(tx: unknown, code: string): Promise<void> {
  const root = t.ledger.head().header.stateRoot;
  const height = t.ledger.head().header.height;
  await expectCode(t.node.submit(tx, { wait: true }), code);
  // A rejected transaction changes nothing.
  expect(t.ledger.head().header.stateRoot).toBe(root);
  expect(t.ledger.head().header.height).toBe(height);
}

describe('did.create', () => {
  it.each<KeyTypeName>(['ed25519', 'p256', 'secp256k1', 'sm2'])(
    'creates a %s DID that the ledger records',
    async (type) => {
      const d = makeDid(t.chainId, type);
      const result = await t.node.submit(d.createTx, { wait: true });
      expect(result.status).toBe('committed');
      const record = readDidRecord(t.ledger.state, d.did)!;
      expect(record.version).toBe(1);
      expect(record.content).toEqual(d.content);
      expect(d.did).toMatch(/^did:ddi:[1-9A-HJ-NP-Za-km-z]{43,44}$/);
    },
  );

  it('refuses a create signed by a key that is not in the new document (no DID for keys you do not hold)', async () => {
    const d = makeDid(t.chainId);
    const thief = generateKeyPair('ed25519');
    const tx = signed('did.create', d.createTx.body.payload, `${d.did}#key-1`, thief);
    await submitAndExpectCode(tx, 'badSignature');
  });

  it('refuses a second create of the same DID and a replay of the same transaction', async () => {
    const d = makeDid(t.chainId);
    await t.node.submit(d.createTx, { wait: true });
    await submitAndExpectCode(d.createTx, 'replay');
    // The id is the hash of the body, so even a freshly signed copy is the same transaction.
    const again = signed('did.create', d.createTx.body.payload, `${d.did}#key-1`, d.signing);
    await submitAndExpectCode(again, 'replay');
  });

  it('refuses a create signed with a kid of another DID', async () => {
    const d = makeDid(t.chainId);
    const other = makeDid(t.chainId);
    const tx = signed('did.create', d.createTx.body.payload, `${other.did}#key-1`, d.signing);
    await submitAndExpectCode(tx, 'unauthorized');
  });

  it('refuses malformed documents and transactions for another chain', async () => {
    const d = makeDid(t.chainId);
    const badDoc = {
      ...(d.createTx.body.payload as object),
      document: { verificationMethod: 'nope' },
    };
    await submitAndExpectCode(
      signed('did.create', badDoc, `${d.did}#key-1`, d.signing),
      'malformed',
    );
    const otherChain = signTransaction({ ...d.createTx.body, chainId: 'elsewhere' }, [
      { kid: `${d.did}#key-1`, type: 'ed25519', privateKey: d.signing.privateKey },
    ]);
    await submitAndExpectCode(otherChain, 'wrongChain');
    await submitAndExpectCode({ body: d.createTx.body }, 'malformed');
    await submitAndExpectCode({ ...d.createTx, extra: 1 }, 'malformed');
  });
});

describe('did.update, recover, deactivate', () => {
  async function created(type: KeyTypeName = 'ed25519', extra: Partial<DidDocumentContent> = {}) {
    const d = makeDid(t.chainId, type, extra);
    await t.node.submit(d.createTx, { wait: true });
    return d;
  }

  it('rotates a key; the old key can no longer update', async () => {
    const d = await created('sm2');
    const next = generateKeyPair('sm2');
    const rotate = signed(
      'did.update',
      { did: d.did, previousVersionId: '1', document: contentFor(next, 'key-2') },
      `${d.did}#key-1`,
      d.signing,
    );
    expect((await t.node.submit(rotate, { wait: true })).status).toBe('committed');
    expect(readDidRecord(t.ledger.state, d.did)!.version).toBe(2);
    const stale = signed(
      'did.update',
      { did: d.did, previousVersionId: '2', document: d.content },
      `${d.did}#key-1`,
      d.signing,
    );
    await submitAndExpectCode(stale, 'unknownKey');
    const ok = signed(
      'did.update',
      {
        did: d.did,
        previousVersionId: '2',
        document: contentFor(next, 'key-2', {
          service: [{ id: 'hub', type: 'LinkedDomains', serviceEndpoint: 'https://example.org' }],
        }),
      },
      `${d.did}#key-2`,
      next,
    );
    expect((await t.node.submit(ok, { wait: true })).status).toBe('committed');
  });

  it('rejects an update naming an old version (replayed or reordered) with staleVersion', async () => {
    const d = await created();
    const first = signed(
      'did.update',
      { did: d.did, previousVersionId: '1', document: contentFor(d.signing) },
      `${d.did}#key-1`,
      d.signing,
    );
    await t.node.submit(first, { wait: true });
    const reordered = signed(
      'did.update',
      {
        did: d.did,
        previousVersionId: '1',
        document: contentFor(d.signing, 'key-1', { service: [] }),
      },
      `${d.did}#key-1`,
      d.signing,
    );
    await submitAndExpectCode(reordered, 'staleVersion');
    await submitAndExpectCode(first, 'replay');
  });

  it('refuses an update signed by a key that is only in authentication', async () => {
    const d = await created();
    const authOnly = generateKeyPair('p256');
    const content: DidDocumentContent = {
      verificationMethod: [
        ...d.content.verificationMethod,
        {
          id: 'login',
          type: 'Multikey',
          publicKeyMultibase: publicKeyToMultibase('p256', authOnly.publicKey),
        },
      ],
      authentication: ['key-1', 'login'],
      capabilityInvocation: ['key-1'],
    };
    await t.node.submit(
      signed(
        'did.update',
        { did: d.did, previousVersionId: '1', document: content },
        `${d.did}#key-1`,
        d.signing,
      ),
      { wait: true },
    );
    const attempt = signed(
      'did.update',
      { did: d.did, previousVersionId: '2', document: content },
      `${d.did}#login`,
      authOnly,
    );
    await submitAndExpectCode(attempt, 'unauthorized');
  });

  it('lets a controller DID update a device DID, and nobody else', async () => {
    const org = await created('sm2');
    const device = await created('p256', { controller: [org.did] });
    const newKey = generateKeyPair('p256');
    const byOrg = signed(
      'did.update',
      {
        did: device.did,
        previousVersionId: '1',
        document: contentFor(newKey, 'key-1', { controller: [org.did] }),
      },
      `${org.did}#key-1`,
      org.signing,
    );
    expect((await t.node.submit(byOrg, { wait: true })).status).toBe('committed');
    const stranger = await created();
    const byStranger = signed(
      'did.update',
      { did: device.did, previousVersionId: '2', document: contentFor(stranger.signing) },
      `${stranger.did}#key-1`,
      stranger.signing,
    );
    await submitAndExpectCode(byStranger, 'unauthorized');
    // The controller may also decommission (deactivate) the device.
    const decommission = signed(
      'did.deactivate',
      { did: device.did, previousVersionId: '2' },
      `${org.did}#key-1`,
      org.signing,
    );
    expect((await t.node.submit(decommission, { wait: true })).status).toBe('committed');
  });

  it('recovers with the committed recovery key after the signing key is stolen; the thief cannot lock the owner out', async () => {
    const d = await created('secp256k1');
    // The thief holds key-1: it swaps in its own key...
    const thiefKey = generateKeyPair('ed25519');
    await t.node.submit(
      signed(
        'did.update',
        { did: d.did, previousVersionId: '1', document: contentFor(thiefKey, 'evil') },
        `${d.did}#key-1`,
        d.signing,
      ),
      { wait: true },
    );
    // ...but cannot deactivate with signing keys, nor recover without the recovery key.
    await submitAndExpectCode(
      signed('did.deactivate', { did: d.did, previousVersionId: '2' }, `${d.did}#evil`, thiefKey),
      'unauthorized',
    );
    const fakeRecovery = generateKeyPair('ed25519');
    const fake = signed(
      'did.recover',
      {
        did: d.did,
        previousVersionId: '2',
        document: contentFor(thiefKey),
        recoveryKey: publicKeyToMultibase('ed25519', fakeRecovery.publicKey),
        nextRecoveryCommitment: recoveryCommitment(
          publicKeyToMultibase('ed25519', generateKeyPair('ed25519').publicKey),
        ),
      },
      RECOVERY_KID,
      fakeRecovery,
    );
    await submitAndExpectCode(fake, 'unauthorized');
    // The owner recovers.
    const fresh = generateKeyPair('secp256k1');
    const nextRecovery = generateKeyPair('secp256k1');
    const recover = signed(
      'did.recover',
      {
        did: d.did,
        previousVersionId: '2',
        document: contentFor(fresh),
        recoveryKey: publicKeyToMultibase(d.recovery.type, d.recovery.publicKey),
        nextRecoveryCommitment: recoveryCommitment(
          publicKeyToMultibase(nextRecovery.type, nextRecovery.publicKey),
        ),
      },
      RECOVERY_KID,
      d.recovery,
    );
    expect((await t.node.submit(recover, { wait: true })).status).toBe('committed');
    const record = readDidRecord(t.ledger.state, d.did)!;
    expect(record.content).toEqual(contentFor(fresh));
    // The revealed recovery key is spent: reusing it fails.
    const reuse = signed(
      'did.recover',
      {
        did: d.did,
        previousVersionId: '3',
        document: contentFor(fresh),
        recoveryKey: publicKeyToMultibase(d.recovery.type, d.recovery.publicKey),
        nextRecoveryCommitment: recoveryCommitment(
          publicKeyToMultibase(nextRecovery.type, generateKeyPair('secp256k1').publicKey),
        ),
      },
      RECOVERY_KID,
      d.recovery,
    );
    await submitAndExpectCode(reuse, 'unauthorized');
  });

  it('deactivates with the recovery key; nothing changes a deactivated DID', async () => {
    const d = await created('p256');
    const deactivate = signed(
      'did.deactivate',
      {
        did: d.did,
        previousVersionId: '1',
        recoveryKey: publicKeyToMultibase(d.recovery.type, d.recovery.publicKey),
      },
      RECOVERY_KID,
      d.recovery,
    );
    expect((await t.node.submit(deactivate, { wait: true })).status).toBe('committed');
    const record = readDidRecord(t.ledger.state, d.did)!;
    expect(record.deactivated).toBe(true);
    expect(record.content).toBeNull();
    await submitAndExpectCode(
      signed(
        'did.update',
        { did: d.did, previousVersionId: '2', document: d.content },
        `${d.did}#key-1`,
        d.signing,
      ),
      'deactivated',
    );
  });

  it('reports notFound for an update of a DID that does not exist', async () => {
    const d = makeDid(t.chainId);
    await submitAndExpectCode(
      signed(
        'did.update',
        { did: d.did, previousVersionId: '1', document: d.content },
        `${d.did}#key-1`,
        d.signing,
      ),
      'notFound',
    );
  });

  it('rejects the loser of two conflicting updates in one block and keeps the winner', async () => {
    const d = await created();
    const a = signed(
      'did.update',
      {
        did: d.did,
        previousVersionId: '1',
        document: contentFor(d.signing, 'key-1', {
          service: [{ id: 'a', type: 'X', serviceEndpoint: 'https://a.example' }],
        }),
      },
      `${d.did}#key-1`,
      d.signing,
    );
    const b = signed(
      'did.update',
      {
        did: d.did,
        previousVersionId: '1',
        document: contentFor(d.signing, 'key-1', {
          service: [{ id: 'b', type: 'X', serviceEndpoint: 'https://b.example' }],
        }),
      },
      `${d.did}#key-1`,
      d.signing,
    );
    const [ra, rb] = await Promise.allSettled([
      t.node.submit(a, { wait: true }),
      t.node.submit(b, { wait: true }),
    ]);
    expect(ra.status).toBe('fulfilled');
    expect(rb.status).toBe('fulfilled');
    const statuses = [ra, rb].map(
      (r) => (r as PromiseFulfilledResult<{ status: string; code?: string }>).value,
    );
    expect(statuses.map((s) => s.status).sort()).toEqual(['committed', 'rejected']);
    expect(statuses.find((s) => s.status === 'rejected')!.code).toBe('staleVersion');
  });
});
