/**
 * Sparse Merkle tree benchmarks: block-batched updates, proofs and the restart build.
 * Keys are random, as in the ledger (sha256 of record keys). A few seconds in total.
 */
import { randomBytes } from 'node:crypto';
import {
  SparseMerkleTree,
  verifySparseMerkleProof,
} from '../src/ledger/state/sparse-merkle-tree.ts';

const LEAVES = 100_000;
const BLOCK = 1_000;
const BLOCKS = 30;
const PROOFS = 20_000;

/** Runs the sparse Merkle tree benchmarks and returns one figure per measurement. */
export async function benchMerkle(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const entries = Array.from({ length: LEAVES }, () => [randomBytes(32), randomBytes(32)] as const);

  let start = performance.now();
  const tree = SparseMerkleTree.fromEntries(entries);
  tree.root();
  const buildMs = performance.now() - start;

  // Each block: half new keys (DID creates), half overwrites of existing ones, then one root.
  const blocks = Array.from({ length: BLOCKS }, () =>
    Array.from({ length: BLOCK }, (_, i) => {
      const key = i % 2 ? randomBytes(32) : entries[Math.floor(Math.random() * LEAVES)]![0];
      return [key, randomBytes(32)] as const;
    }),
  );
  start = performance.now();
  for (const block of blocks) {
    for (const [key, value] of block) tree.set(key, value);
    tree.root();
  }
  const updateSeconds = (performance.now() - start) / 1000;

  const proofKeys = Array.from({ length: PROOFS }, (_, i) =>
    i % 2 ? randomBytes(32) : entries[Math.floor(Math.random() * LEAVES)]![0],
  );
  start = performance.now();
  const proofs = proofKeys.map((key) => tree.prove(key));
  const proveSeconds = (performance.now() - start) / 1000;

  const root = tree.root();
  start = performance.now();
  for (let i = 0; i < PROOFS; i++) {
    const key = proofKeys[i]!;
    if (!verifySparseMerkleProof(root, key, tree.get(key) ?? null, proofs[i]!)) {
      throw new Error('benchMerkle: a proof failed to verify');
    }
  }
  const verifySeconds = (performance.now() - start) / 1000;

  return [
    { name: 'merkle: bulk build, 100k leaves', value: Math.round(buildMs), unit: 'ms' },
    {
      name: 'merkle: updates, 1k-update blocks on 100k leaves',
      value: Math.round((BLOCKS * BLOCK) / updateSeconds),
      unit: 'updates/s',
    },
    {
      name: 'merkle: proof generation, 100k leaves',
      value: Math.round(PROOFS / proveSeconds),
      unit: 'proofs/s',
    },
    {
      name: 'merkle: proof verification, 100k leaves',
      value: Math.round(PROOFS / verifySeconds),
      unit: 'proofs/s',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await benchMerkle()) console.log(`${row.name}: ${row.value} ${row.unit}`);
}
