import { describe, expect, it } from 'vitest';
import { DdiError } from '../../../src/core/errors.ts';
import {
  SparseMerkleTree,
  sparseMerkleProofFromJSON,
  sparseMerkleProofToJSON,
  verifySparseMerkleProof,
} from '../../../src/ledger/state/sparse-merkle-tree.ts';
import type { SparseMerkleProof } from '../../../src/ledger/state/sparse-merkle-tree.ts';
import { bytes32, clusteredKey, hex, keyFromHex, prng } from './smt-fixtures.ts';

function treeOf(keys: Uint8Array[]): SparseMerkleTree {
  const tree = new SparseMerkleTree();
  for (const key of keys) tree.set(key, bytes32(hex(key)));
  return tree;
}

function bitmapBits(proof: SparseMerkleProof): number[] {
  const bits: number[] = [];
  for (let i = 0; i < 256; i++) if ((proof.bitmap[i >> 3]! >> (7 - (i & 7))) & 1) bits.push(i);
  return bits;
}

function copy(proof: SparseMerkleProof): SparseMerkleProof {
  return sparseMerkleProofFromJSON(sparseMerkleProofToJSON(proof));
}

describe('inclusion proofs', () => {
  const random = prng(11);
  const keys = Array.from({ length: 400 }, (_, i) =>
    i % 4 === 0 ? clusteredKey(random) : bytes32(`key ${i}`),
  );
  const tree = treeOf(keys);
  const root = tree.root();

  it('verify for every key and fail for a wrong value, root or key', () => {
    for (const key of keys) {
      const value = tree.get(key)!;
      const proof = tree.prove(key);
      expect(proof.leaf).toBeUndefined();
      expect(verifySparseMerkleProof(root, key, value, proof)).toBe(true);
      expect(verifySparseMerkleProof(root, key, bytes32('wrong'), proof)).toBe(false);
      expect(verifySparseMerkleProof(bytes32('root'), key, value, proof)).toBe(false);
      // The proof is not an absence proof for the same key.
      expect(verifySparseMerkleProof(root, key, null, proof)).toBe(false);
    }
    const [a, b] = [keys[1]!, keys[2]!];
    expect(verifySparseMerkleProof(root, b, tree.get(b)!, tree.prove(a))).toBe(false);
  });

  it('stop verifying once the tree changes', () => {
    const changing = treeOf(keys.slice(0, 50));
    const key = keys[3]!;
    const proof = changing.prove(key);
    const oldRoot = changing.root();
    changing.set(bytes32('newcomer'), bytes32('n'));
    expect(verifySparseMerkleProof(changing.root(), key, changing.get(key)!, proof)).toBe(false);
    expect(verifySparseMerkleProof(oldRoot, key, changing.get(key)!, proof)).toBe(true);
    expect(
      verifySparseMerkleProof(changing.root(), key, changing.get(key)!, changing.prove(key)),
    ).toBe(true);
  });

  it('prove the only key of a one-leaf tree with no siblings', () => {
    const single = treeOf([bytes32('a')]);
    const proof = single.prove(bytes32('a'));
    expect(proof.siblings).toHaveLength(0);
    expect(
      verifySparseMerkleProof(single.root(), bytes32('a'), bytes32(hex(bytes32('a'))), proof),
    ).toBe(true);
  });

  it('omit empty siblings: a key below a long one-sided run carries one sibling', () => {
    const a = keyFromHex('');
    const b = keyFromHex('01'.padStart(64, '0'));
    const twoDeep = treeOf([a, b]);
    const proof = twoDeep.prove(a);
    expect(bitmapBits(proof)).toEqual([255]);
    expect(proof.siblings).toHaveLength(1);
    expect(verifySparseMerkleProof(twoDeep.root(), a, bytes32(hex(a)), proof)).toBe(true);
  });
});

describe('absence proofs', () => {
  it('verify when the path ends in an empty subtree', () => {
    // 00… and 40… split at bit 1 under the left half; the right half (1…) is empty.
    const tree = treeOf([keyFromHex('00'), keyFromHex('40')]);
    const absent = keyFromHex('80');
    const proof = tree.prove(absent);
    expect(proof.leaf).toBeUndefined();
    expect(bitmapBits(proof)).toEqual([0]);
    expect(verifySparseMerkleProof(tree.root(), absent, null, proof)).toBe(true);
    expect(verifySparseMerkleProof(tree.root(), absent, bytes32('v'), proof)).toBe(false);
  });

  it('verify when the path leaves a one-sided run before the next split', () => {
    // 00… and 20… split at bit 2; 40… turns right at bit 1, where the tree has nothing.
    const tree = treeOf([keyFromHex('00'), keyFromHex('20')]);
    const absent = keyFromHex('40');
    const proof = tree.prove(absent);
    expect(proof.leaf).toBeUndefined();
    expect(bitmapBits(proof)).toEqual([1]);
    expect(verifySparseMerkleProof(tree.root(), absent, null, proof)).toBe(true);
  });

  it('verify when the path ends at another key’s leaf', () => {
    const tree = treeOf([keyFromHex('00'), keyFromHex('80')]);
    const absent = keyFromHex('40');
    const proof = tree.prove(absent);
    expect(hex(proof.leaf!.key)).toBe(hex(keyFromHex('00')));
    expect(verifySparseMerkleProof(tree.root(), absent, null, proof)).toBe(true);

    // The same proof names a present key: it must not prove that key absent.
    expect(verifySparseMerkleProof(tree.root(), keyFromHex('00'), null, proof)).toBe(false);
    // Nor may the other leaf be one that lies off the key's path.
    const offPath = copy(proof);
    offPath.leaf = { key: keyFromHex('80'), valueHash: bytes32(hex(keyFromHex('80'))) };
    expect(verifySparseMerkleProof(tree.root(), absent, null, offPath)).toBe(false);
  });

  it('verify in the empty tree and in a one-leaf tree', () => {
    const empty = new SparseMerkleTree();
    const proof = empty.prove(bytes32('x'));
    expect(verifySparseMerkleProof(empty.root(), bytes32('x'), null, proof)).toBe(true);
    const single = treeOf([bytes32('a')]);
    const other = single.prove(bytes32('x'));
    expect(other.leaf).toBeDefined();
    expect(verifySparseMerkleProof(single.root(), bytes32('x'), null, other)).toBe(true);
  });

  it('verify for many absent keys, reaching both kinds of ending, and fail for present keys', () => {
    const random = prng(5);
    const present = Array.from({ length: 300 }, () => clusteredKey(random));
    const tree = treeOf(present);
    const root = tree.root();
    const presentHex = new Set(present.map(hex));
    const kinds = { empty: 0, leaf: 0 };
    for (let i = 0; i < 600; i++) {
      const key = i % 2 ? clusteredKey(random) : bytes32(`absent ${i}`);
      const proof = tree.prove(key);
      if (presentHex.has(hex(key))) {
        expect(verifySparseMerkleProof(root, key, null, proof)).toBe(false);
        continue;
      }
      kinds[proof.leaf ? 'leaf' : 'empty']++;
      expect(verifySparseMerkleProof(root, key, null, proof)).toBe(true);
      expect(verifySparseMerkleProof(root, key, bytes32('v'), proof)).toBe(false);
    }
    expect(kinds.empty).toBeGreaterThan(10);
    expect(kinds.leaf).toBeGreaterThan(10);
    for (const key of present) {
      expect(verifySparseMerkleProof(root, key, null, tree.prove(key))).toBe(false);
    }
  });
});

describe('tampered proofs', () => {
  const keys = Array.from({ length: 200 }, (_, i) => bytes32(`key ${i}`));
  const tree = treeOf(keys);
  const root = tree.root();
  const key = keys[17]!;
  const value = tree.get(key)!;
  const proof = tree.prove(key);

  it('fail with a flipped bit in any sibling', () => {
    expect(proof.siblings.length).toBeGreaterThan(3);
    for (let s = 0; s < proof.siblings.length; s++) {
      const bad = copy(proof);
      bad.siblings[s]![5]! ^= 0x10;
      expect(verifySparseMerkleProof(root, key, value, bad)).toBe(false);
    }
  });

  it('fail with a wrong bitmap, whether or not the sibling count still matches', () => {
    const bits = bitmapBits(proof);
    const moved = copy(proof);
    // Move the deepest set bit one level down: same count, different path.
    const last = bits[bits.length - 1]!;
    moved.bitmap[last >> 3]! ^= 0x80 >> (last & 7);
    moved.bitmap[(last + 1) >> 3]! ^= 0x80 >> ((last + 1) & 7);
    expect(verifySparseMerkleProof(root, key, value, moved)).toBe(false);

    const extra = copy(proof);
    extra.bitmap[31]! |= 1;
    expect(verifySparseMerkleProof(root, key, value, extra)).toBe(false);
    extra.siblings.push(bytes32('filler'));
    expect(verifySparseMerkleProof(root, key, value, extra)).toBe(false);

    const dropped = copy(proof);
    dropped.siblings.pop();
    expect(verifySparseMerkleProof(root, key, value, dropped)).toBe(false);
  });

  it('fail with a zero sibling marked non-empty, or with bad lengths, without throwing', () => {
    const zero = copy(proof);
    zero.bitmap[31]! |= 1;
    zero.siblings.push(new Uint8Array(32));
    expect(verifySparseMerkleProof(root, key, value, zero)).toBe(false);

    const short = copy(proof);
    short.siblings[0] = short.siblings[0]!.subarray(0, 31);
    expect(verifySparseMerkleProof(root, key, value, short)).toBe(false);
    expect(verifySparseMerkleProof(root.subarray(1), key, value, proof)).toBe(false);
    expect(
      verifySparseMerkleProof(root, key, value, { ...proof, bitmap: new Uint8Array(31) }),
    ).toBe(false);
  });

  it('fail when a leaf is added to an inclusion proof or changed in an absence proof', () => {
    const withLeaf = copy(proof);
    withLeaf.leaf = { key, valueHash: value };
    expect(verifySparseMerkleProof(root, key, value, withLeaf)).toBe(false);

    const absentKey = keys
      .map((_, i) => bytes32(`absent ${i}`))
      .find((k) => tree.prove(k).leaf !== undefined)!;
    const absence = tree.prove(absentKey);
    expect(verifySparseMerkleProof(root, absentKey, null, absence)).toBe(true);
    const changed = copy(absence);
    changed.leaf!.valueHash[0]! ^= 1;
    expect(verifySparseMerkleProof(root, absentKey, null, changed)).toBe(false);
    const removed = copy(absence);
    delete removed.leaf;
    expect(verifySparseMerkleProof(root, absentKey, null, removed)).toBe(false);
  });
});

describe('proof JSON', () => {
  const tree = treeOf(Array.from({ length: 50 }, (_, i) => bytes32(`key ${i}`)));
  const root = tree.root();

  it('round-trips through JSON text and still verifies', () => {
    for (const key of [bytes32('key 3'), bytes32('absent 1'), bytes32('absent 2')]) {
      const proof = tree.prove(key);
      const json = JSON.parse(JSON.stringify(sparseMerkleProofToJSON(proof))) as unknown;
      const back = sparseMerkleProofFromJSON(json);
      expect(sparseMerkleProofToJSON(back)).toEqual(sparseMerkleProofToJSON(proof));
      expect(verifySparseMerkleProof(root, key, tree.get(key) ?? null, back)).toBe(true);
    }
    const absence = sparseMerkleProofToJSON(tree.prove(keyFromHex('ff'.repeat(32))));
    expect(absence.bitmap).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects malformed input with DdiError malformed', () => {
    const good = sparseMerkleProofToJSON(tree.prove(bytes32('key 3')));
    const withLeaf = sparseMerkleProofToJSON(
      tree.prove(
        Array.from({ length: 50 }, (_, i) => bytes32(`a${i}`)).find(
          (k) => tree.prove(k).leaf !== undefined,
        )!,
      ),
    );
    expect(withLeaf.leaf).toBeDefined();
    const h = 'ab'.repeat(32);
    const bad: unknown[] = [
      null,
      'proof',
      42,
      [good],
      {},
      { ...good, bitmap: undefined },
      { ...good, bitmap: good.bitmap.slice(2) },
      { ...good, bitmap: good.bitmap.toUpperCase() },
      { ...good, bitmap: 'zz' + good.bitmap.slice(2) },
      { ...good, siblings: 'nope' },
      { ...good, siblings: good.siblings.slice(1) },
      { ...good, siblings: [...good.siblings, h] },
      { ...good, siblings: good.siblings.map((s, i) => (i === 0 ? 7 : s)) },
      { ...good, siblings: good.siblings.map((s, i) => (i === 0 ? s + '00' : s)) },
      { ...good, extra: true },
      { ...good, leaf: 'leaf' },
      { ...good, leaf: null },
      { ...withLeaf, leaf: { key: withLeaf.leaf!.key } },
      { ...withLeaf, leaf: { ...withLeaf.leaf, valueHash: h.slice(1) } },
      { ...withLeaf, leaf: { ...withLeaf.leaf, more: h } },
    ];
    for (const input of bad) {
      let error: unknown;
      try {
        sparseMerkleProofFromJSON(input);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(input)).toBeInstanceOf(DdiError);
      expect((error as DdiError).code).toBe('malformed');
    }
    expect(() => sparseMerkleProofFromJSON(good)).not.toThrow();
    expect(() => sparseMerkleProofFromJSON(withLeaf)).not.toThrow();
  });
});
