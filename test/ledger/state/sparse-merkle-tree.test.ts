import { describe, expect, it } from 'vitest';
import { DdiError } from '../../../src/core/errors.ts';
import { SparseMerkleTree } from '../../../src/ledger/state/sparse-merkle-tree.ts';
import {
  bytes32,
  clusteredKey,
  hex,
  keyFromHex,
  prng,
  referenceRoot,
  sha256,
  shuffle,
} from './smt-fixtures.ts';

const ZERO = new Uint8Array(32);
const leaf = (key: Uint8Array, value: Uint8Array) => sha256(Uint8Array.of(0), key, value);
const node = (left: Uint8Array, right: Uint8Array) => sha256(Uint8Array.of(1), left, right);

describe('SparseMerkleTree hashing rule', () => {
  it('has the zero root when empty, and again after the last delete', () => {
    const tree = new SparseMerkleTree();
    expect(hex(tree.root())).toBe(hex(ZERO));
    tree.set(bytes32('k'), bytes32('v'));
    expect(hex(tree.root())).not.toBe(hex(ZERO));
    expect(tree.delete(bytes32('k'))).toBe(true);
    expect(hex(tree.root())).toBe(hex(ZERO));
    expect(tree.size).toBe(0);
  });

  it('uses the leaf hash as the root of a one-key tree', () => {
    const tree = new SparseMerkleTree();
    const key = bytes32('only');
    const value = bytes32('value');
    tree.set(key, value);
    expect(hex(tree.root())).toBe(hex(leaf(key, value)));
  });

  it('matches a hand-computed root for keys that split at bits 0 and 1', () => {
    // a = 00…, b = 01…, c = 1…: the root splits a|b from c, the left child splits a from b.
    const a = keyFromHex('00');
    const b = keyFromHex('40');
    const c = keyFromHex('80');
    const [va, vb, vc] = [bytes32('va'), bytes32('vb'), bytes32('vc')];
    const tree = new SparseMerkleTree();
    tree.set(c, vc);
    tree.set(a, va);
    tree.set(b, vb);
    const expected = node(node(leaf(a, va), leaf(b, vb)), leaf(c, vc));
    expect(hex(tree.root())).toBe(hex(expected));
  });

  it('hashes the one-sided levels above a split with an empty sibling', () => {
    // 00… and 20… first differ at bit 2; levels 0 and 1 each have an empty right side.
    const a = keyFromHex('00');
    const b = keyFromHex('20');
    const [va, vb] = [bytes32('va'), bytes32('vb')];
    const tree = new SparseMerkleTree();
    tree.set(a, va);
    tree.set(b, vb);
    const expected = node(node(node(leaf(a, va), leaf(b, vb)), ZERO), ZERO);
    expect(hex(tree.root())).toBe(hex(expected));

    // A third key on the right at bit 0 leaves level 1 one-sided only.
    const c = keyFromHex('c0');
    const vc = bytes32('vc');
    tree.set(c, vc);
    const withC = node(node(node(leaf(a, va), leaf(b, vb)), ZERO), leaf(c, vc));
    expect(hex(tree.root())).toBe(hex(withC));
  });

  it('folds all 255 one-sided levels for keys that differ only in the last bit', () => {
    const a = keyFromHex('');
    const b = keyFromHex('01'.padStart(64, '0'));
    const tree = new SparseMerkleTree();
    tree.set(b, bytes32('vb'));
    tree.set(a, bytes32('va'));
    let expected = node(leaf(a, bytes32('va')), leaf(b, bytes32('vb')));
    for (let level = 254; level >= 0; level--) expected = node(expected, ZERO);
    expect(hex(tree.root())).toBe(hex(expected));
    expect(
      hex(
        SparseMerkleTree.fromEntries([
          [a, bytes32('va')],
          [b, bytes32('vb')],
        ]).root(),
      ),
    ).toBe(hex(expected));
  });
});

describe('SparseMerkleTree contents', () => {
  it('gets, overwrites and deletes values', () => {
    const tree = new SparseMerkleTree();
    const key = bytes32('k');
    expect(tree.get(key)).toBeUndefined();
    expect(tree.has(key)).toBe(false);
    tree.set(key, bytes32('v1'));
    expect(hex(tree.get(key)!)).toBe(hex(bytes32('v1')));
    tree.set(key, bytes32('v2'));
    expect(hex(tree.get(key)!)).toBe(hex(bytes32('v2')));
    expect(tree.size).toBe(1);
    expect(tree.delete(bytes32('other'))).toBe(false);
    expect(tree.delete(key)).toBe(true);
    expect(tree.delete(key)).toBe(false);
    expect(tree.has(key)).toBe(false);
  });

  it('returns copies, so callers cannot change the tree through them', () => {
    const tree = new SparseMerkleTree();
    const key = bytes32('k');
    tree.set(key, bytes32('v'));
    const root = tree.root();
    tree.get(key)!.fill(0);
    tree.root().fill(0);
    expect(hex(tree.get(key)!)).toBe(hex(bytes32('v')));
    expect(hex(tree.root())).toBe(hex(root));
  });

  it('rejects keys and values that are not 32 bytes', () => {
    const tree = new SparseMerkleTree();
    expect(() => tree.set(new Uint8Array(31), bytes32('v'))).toThrow(DdiError);
    expect(() => tree.set(bytes32('k'), new Uint8Array(33))).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
    expect(() => tree.get(new Uint8Array(0))).toThrow(DdiError);
  });
});

describe('SparseMerkleTree root', () => {
  it('does not depend on insertion order', () => {
    const random = prng(1);
    const entries = Array.from({ length: 300 }, (_, i) => {
      const key = i % 2 ? bytes32(`key ${i}`) : clusteredKey(random);
      return [key, bytes32(`value ${i}`)] as const;
    });
    const unique = new Map(entries.map(([k, v]) => [hex(k), v]));
    const roots = new Set<string>();
    for (let run = 0; run < 5; run++) {
      const tree = new SparseMerkleTree();
      // Unique keys only: with duplicates, order would rightly decide the value.
      for (const [k, v] of shuffle([...unique], random)) tree.set(keyFromHex(k), v);
      roots.add(hex(tree.root()));
      expect(tree.size).toBe(unique.size);
    }
    expect(roots.size).toBe(1);
    expect([...roots][0]).toBe(hex(referenceRoot(unique)));
  });

  it('returns to an earlier root after set, overwrite and delete undo each other', () => {
    const tree = new SparseMerkleTree();
    for (let i = 0; i < 200; i++) tree.set(bytes32(`k${i}`), bytes32(`v${i}`));
    const before = hex(tree.root());

    const added = Array.from({ length: 50 }, (_, i) => bytes32(`new${i}`));
    for (const key of added) tree.set(key, bytes32('x'));
    for (let i = 0; i < 50; i++) tree.set(bytes32(`k${i}`), bytes32('overwritten'));
    expect(hex(tree.root())).not.toBe(before);

    for (const key of added) tree.delete(key);
    for (let i = 0; i < 50; i++) tree.set(bytes32(`k${i}`), bytes32(`v${i}`));
    expect(hex(tree.root())).toBe(before);
    expect(tree.size).toBe(200);
  });

  it('agrees with the reference definition through random sets and deletes', () => {
    const random = prng(7);
    const tree = new SparseMerkleTree(4);
    const model = new Map<string, Uint8Array>();
    const known: Uint8Array[] = [];
    for (let step = 0; step < 3000; step++) {
      const roll = random();
      if (roll < 0.55 || known.length === 0) {
        const key = clusteredKey(random);
        known.push(key);
        const value = bytes32(`v${step}`);
        tree.set(key, value);
        model.set(hex(key), value);
      } else if (roll < 0.7) {
        const key = known[Math.floor(random() * known.length)]!;
        const value = bytes32(`w${step}`);
        tree.set(key, value);
        model.set(hex(key), value);
      } else {
        const key = known[Math.floor(random() * known.length)]!;
        expect(tree.delete(key)).toBe(model.delete(hex(key)));
      }
      // Checking the root only every few steps lets several changes pile up between hashes.
      if (step % 37 === 0) expect(hex(tree.root())).toBe(hex(referenceRoot(model)));
    }
    expect(hex(tree.root())).toBe(hex(referenceRoot(model)));
    expect(tree.size).toBe(model.size);
    for (const key of known) {
      const value = model.get(hex(key));
      expect(tree.get(key) && hex(tree.get(key)!)).toBe(value && hex(value));
    }
  });
});

describe('SparseMerkleTree.fromEntries', () => {
  it('builds the same tree as one set at a time', () => {
    const random = prng(3);
    const entries = Array.from({ length: 5000 }, (_, i) => {
      const key = i % 3 === 0 ? clusteredKey(random) : bytes32(`key ${i}`);
      return [key, bytes32(`value ${i}`)] as const;
    });
    const incremental = new SparseMerkleTree();
    for (const [k, v] of entries) incremental.set(k, v);
    const shuffled = shuffle(entries, random);
    const built = SparseMerkleTree.fromEntries(shuffled);
    const again = new SparseMerkleTree();
    for (const [k, v] of shuffled) again.set(k, v);
    expect(built.size).toBe(incremental.size);
    // Clustered keys repeat, so shuffling changes which value wins a key.
    expect(hex(built.root())).toBe(hex(again.root()));
    const model = new Map(shuffled.map(([k, v]) => [hex(k), v]));
    expect(hex(built.root())).toBe(hex(referenceRoot(model)));
  });

  it('lets the last pair for a key win and keeps working after the build', () => {
    const key = bytes32('k');
    const tree = SparseMerkleTree.fromEntries([
      [key, bytes32('first')],
      [bytes32('other'), bytes32('o')],
      [key, bytes32('last')],
    ]);
    expect(tree.size).toBe(2);
    expect(hex(tree.get(key)!)).toBe(hex(bytes32('last')));

    const same = new SparseMerkleTree();
    same.set(bytes32('other'), bytes32('o'));
    same.set(key, bytes32('last'));
    expect(hex(tree.root())).toBe(hex(same.root()));

    // A built tree is sized exactly; later changes must grow it and still hash correctly.
    for (let i = 0; i < 100; i++) {
      tree.set(bytes32(`more ${i}`), bytes32('m'));
      same.set(bytes32(`more ${i}`), bytes32('m'));
    }
    tree.delete(key);
    same.delete(key);
    expect(hex(tree.root())).toBe(hex(same.root()));
  });

  it('builds the empty tree from no entries', () => {
    const tree = SparseMerkleTree.fromEntries([]);
    expect(hex(tree.root())).toBe(hex(ZERO));
    tree.set(bytes32('k'), bytes32('v'));
    expect(tree.size).toBe(1);
  });
});
