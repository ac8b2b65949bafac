import { hash } from 'node:crypto';
import { SparseMerkleTree } from './sparse-merkle-tree.ts';
import type { SqliteLedgerStore } from '../storage/sqlite-ledger-store.ts';

/** Reads of the world state a transaction handler may make. */
export interface StateReader {
  get(key: string): string | undefined;
}

/** Reads and writes, staged until the block commits. */
export interface StateWriter extends StateReader {
  set(key: string, value: string): void;
  delete(key: string): void;
}

/** The Merkle key of a state key: SHA-256 of its UTF-8 bytes. */
export function stateTreeKey(key: string): Uint8Array {
  return hash('sha256', key, 'buffer');
}

/** The Merkle value of a state value: SHA-256 of its UTF-8 bytes. */
export function stateValueHash(value: string): Uint8Array {
  return hash('sha256', value, 'buffer');
}

/**
 * Staged writes layered over a reader. A block stages on top of the committed state; each
 * transaction stages on top of the block, and its writes merge only if it succeeds — so
 * a rejected transaction changes nothing.
 */
export class StateOverlay implements StateWriter {
  readonly writes = new Map<string, string | null>();
  constructor(private readonly base: StateReader) {}

  get(key: string): string | undefined {
    const staged = this.writes.get(key);
    if (staged !== undefined) return staged ?? undefined;
    return this.base.get(key);
  }

  set(key: string, value: string): void {
    this.writes.set(key, value);
  }

  delete(key: string): void {
    this.writes.set(key, null);
  }

  /** Moves this overlay's writes into the layer below. */
  mergeInto(target: StateWriter): void {
    for (const [key, value] of this.writes) {
      if (value === null) target.delete(key);
      else target.set(key, value);
    }
  }
}

/**
 * The committed world state: key/values in the store, committed by a sparse Merkle tree
 * kept in memory (rebuilt from the store on start and checked against the last header).
 */
export class WorldState implements StateReader {
  readonly tree: SparseMerkleTree;

  constructor(private readonly store: SqliteLedgerStore) {
    this.tree = new SparseMerkleTree();
    for (const { key, value } of store.iterateState())
      this.tree.set(stateTreeKey(key), stateValueHash(value));
  }

  get(key: string): string | undefined {
    return this.store.getState(key);
  }

  /** Applies a block's writes to the tree and returns the new root (the store is written by the caller). */
  applyToTree(writes: Map<string, string | null>): string {
    for (const [key, value] of writes) {
      if (value === null) this.tree.delete(stateTreeKey(key));
      else this.tree.set(stateTreeKey(key), stateValueHash(value));
    }
    return this.root();
  }

  root(): string {
    return Buffer.from(this.tree.root()).toString('hex');
  }
}
