/** Shared helpers for the sparse Merkle tree tests: deterministic keys and a reference root. */
import { createHash } from 'node:crypto';

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** A deterministic 32-byte value from a label, so failures reproduce. */
export function bytes32(label: string | number): Uint8Array {
  return sha256(new TextEncoder().encode(String(label)));
}

/** A 32-byte key from hex that is right-padded with zeros (`'40'` → 0x40 00 … 00). */
export function keyFromHex(prefix: string): Uint8Array {
  return new Uint8Array(Buffer.from(prefix.padEnd(64, '0'), 'hex'));
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Small seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Keys that share long prefixes with each other, so trees built from them have one-sided
 * levels and splits deep in the key — the cases random sha256 keys almost never reach.
 */
export function clusteredKey(random: () => number): Uint8Array {
  const key = new Uint8Array(32);
  const shape = Math.floor(random() * 4);
  if (shape === 0) {
    for (let i = 0; i < 32; i++) key[i] = Math.floor(random() * 256);
  } else if (shape === 1) {
    key[0] = Math.floor(random() * 4);
    key[1] = Math.floor(random() * 256);
  } else if (shape === 2) {
    key[31] = Math.floor(random() * 8);
  } else {
    key[15] = 1 << Math.floor(random() * 8);
    key[31] = Math.floor(random() * 2);
  }
  return key;
}

function bit(key: Uint8Array, index: number): number {
  return (key[index >> 3]! >> (7 - (index & 7))) & 1;
}

/** The root straight from the definition: empty → zero, one leaf → leaf hash, else split. */
export function referenceRoot(entries: Map<string, Uint8Array>): Uint8Array {
  const list = [...entries].map(([key, value]) => [keyFromHex(key), value] as const);
  const subtree = (items: (typeof list)[number][], depth: number): Uint8Array => {
    if (items.length === 0) return new Uint8Array(32);
    if (items.length === 1) return sha256(Uint8Array.of(0), items[0]![0], items[0]![1]);
    const left = items.filter(([key]) => bit(key, depth) === 0);
    const right = items.filter(([key]) => bit(key, depth) === 1);
    return sha256(Uint8Array.of(1), subtree(left, depth + 1), subtree(right, depth + 1));
  };
  return subtree(list, 0);
}
