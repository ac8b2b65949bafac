import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64url } from '../../src/core/encoding/base64url.ts';
import { DdiError } from '../../src/core/errors.ts';
import { generateKeyPair, publicKeyToMultibase, sign } from '../../src/core/keys/index.ts';
import { blockHash, headerSigningInput } from '../../src/ledger/block.ts';
import { verifyStateProof } from '../../src/ledger/proofs/state-proof.ts';
import type { StateProof, TrustAnchor } from '../../src/ledger/proofs/state-proof.ts';
import { didStateKey } from '../../src/ledger/registries/did-state.ts';
import { makeDid, openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

let t: TestNode;
let d: TestDid;
let anchor: TrustAnchor;

beforeAll(async () => {
  t = await openTestNode();
  d = makeDid(t.chainId, 'sm2');
  await t.node.submit(d.createTx, { wait: true });
  anchor = {
    chainId: t.chainId,
    operators: t.genesis.operators.map((o) => o.publicKeyMultibase),
    quorum: 1,
  };
});
afterAll(async () => {
  await t.close();
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DdiError);
    return (err as DdiError).code;
  }
  throw new Error('expected verifyStateProof to throw');
}

const clone = (p: StateProof): StateProof => JSON.parse(JSON.stringify(p)) as StateProof;

describe('state proofs for light clients', () => {
  it('proves a DID record and the absence of another against the signed state root', () => {
    const present = t.ledger.proveState(didStateKey(d.did));
    const verified = verifyStateProof(present, anchor);
    expect(JSON.parse(verified.value!).did).toBe(d.did);
    expect(verified.height).toBe(t.ledger.head().header.height);
    const absent = t.ledger.proveState(didStateKey(makeDid(t.chainId).did));
    expect(verifyStateProof(absent, anchor).value).toBeNull();
  });

  it('rejects forged answers', () => {
    const genuine = t.ledger.proveState(didStateKey(d.did));
    const tampered = clone(genuine);
    tampered.value = genuine.value!.replace('"version":1', '"version":2');
    expect(codeOf(() => verifyStateProof(tampered, anchor))).toBe('invalidProof');

    const hidden = clone(genuine);
    hidden.value = null;
    expect(codeOf(() => verifyStateProof(hidden, anchor))).toBe('invalidProof');

    const otherKey = clone(genuine);
    otherKey.key = didStateKey(makeDid(t.chainId).did);
    expect(codeOf(() => verifyStateProof(otherKey, anchor))).toBe('invalidProof');

    // A node that rewrites the state root must re-sign the header; its key is no operator's.
    const rogue = generateKeyPair('ed25519');
    const reRooted = clone(genuine);
    reRooted.header.stateRoot = 'ab'.repeat(32);
    reRooted.hash = blockHash(reRooted.header);
    reRooted.signatures = [
      {
        operator: publicKeyToMultibase('ed25519', rogue.publicKey),
        sig: base64url.encode(sign('ed25519', rogue.privateKey, headerSigningInput(reRooted.hash))),
      },
    ];
    expect(codeOf(() => verifyStateProof(reRooted, anchor))).toBe('invalidProof');

    const unsignedChange = clone(genuine);
    unsignedChange.header.stateRoot = 'ab'.repeat(32);
    expect(codeOf(() => verifyStateProof(unsignedChange, anchor))).toBe('invalidProof');

    expect(codeOf(() => verifyStateProof(genuine, { ...anchor, chainId: 'elsewhere' }))).toBe(
      'invalidProof',
    );
    expect(codeOf(() => verifyStateProof(genuine, { ...anchor, quorum: 2 }))).toBe('invalidProof');
    const badProof = clone(genuine);
    badProof.proof.siblings = ['zz'];
    expect(codeOf(() => verifyStateProof(badProof, anchor))).toBe('invalidProof');
  });

  it('rejects stale answers', async () => {
    const old = t.ledger.proveState(didStateKey(d.did));
    await t.node.submit(makeDid(t.chainId).createTx, { wait: true });
    const height = t.ledger.head().header.height;
    expect(codeOf(() => verifyStateProof(old, anchor, { minHeight: height }))).toBe('staleProof');
    expect(
      codeOf(() => verifyStateProof(old, anchor, { maxAgeMs: 1, now: old.header.time + 1000 })),
    ).toBe('staleProof');
    expect(
      verifyStateProof(t.ledger.proveState(didStateKey(d.did)), anchor, { minHeight: height })
        .height,
    ).toBe(height);
  });
});
