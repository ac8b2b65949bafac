/**
 * A map whose entries expire, and that never holds more than `maxSize` of them: the bridge
 * keeps what strangers' requests create (interactions, sign-in requests) in memory, so every
 * such map is bounded. Full, it first drops the expired entries, then the oldest one (insertion
 * order; re-setting a key does not renew its place). `onDrop` hears of every entry that leaves
 * other than by `set` over it, so indexes kept beside the map can follow.
 */
export class ExpiringMap<K, V> {
  private readonly items = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly options: {
      maxSize: number;
      /** ms since the epoch. */
      now?: () => number;
      onDrop?: (key: K, value: V) => void;
    },
  ) {}

  get size(): number {
    return this.items.size;
  }

  /** `expiresAt` in ms since the epoch (Infinity: until evicted). */
  set(key: K, value: V, expiresAt: number): void {
    if (!this.items.has(key) && this.items.size >= this.options.maxSize) {
      this.sweep();
      const oldest = this.items.keys().next();
      if (this.items.size >= this.options.maxSize && !oldest.done) this.delete(oldest.value);
    }
    const existing = this.items.get(key);
    if (existing) existing.value = value;
    if (existing) existing.expiresAt = expiresAt;
    else this.items.set(key, { value, expiresAt });
  }

  /** The live value, or undefined (an expired entry is dropped on the way). */
  get(key: K): V | undefined {
    const item = this.items.get(key);
    if (!item) return undefined;
    if (item.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    return item.value;
  }

  delete(key: K): void {
    const item = this.items.get(key);
    if (!item) return;
    this.items.delete(key);
    this.options.onDrop?.(key, item.value);
  }

  /** Drops every expired entry. */
  sweep(): void {
    const now = this.now();
    for (const [key, item] of this.items) if (item.expiresAt <= now) this.delete(key);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
