import type { Adapter, AdapterPayload } from 'oidc-provider';
import { ExpiringMap } from './expiring-map.ts';

export interface MemoryStoreOptions {
  /** At most this many artifacts (sessions, interactions, codes, tokens, grants) in all. */
  maxEntries?: number;
  /** ms since the epoch. */
  now?: () => number;
}

/** Default cap: far above a bridge's real load, far below what exhausts its memory. */
export const DEFAULT_MAX_ENTRIES = 100_000;

/** oidc-provider's store, and what keeps it bounded. */
export interface MemoryStore {
  Store: new (name: string) => Adapter;
  /** Drops every expired artifact (the bridge calls it on a timer). */
  sweep(): void;
  /** Artifacts held now, and index entries (by uid, by grant), for monitoring and tests. */
  sizes(): { entries: number; byUid: number; byGrant: number };
}

/**
 * Where the bridge keeps oidc-provider's short-lived artifacts (sessions, interactions,
 * codes, tokens, grants): memory, per bridge instance, each entry dropped when it expires or,
 * past `maxEntries`, oldest first; the uid and grant indexes follow the entries. They hold
 * holder DIDs and consented claims, so they never touch disk; a restart signs everyone out,
 * which is the safe failure for a login bridge.
 */
export function memoryStoreFor(options: MemoryStoreOptions = {}): MemoryStore {
  const now = options.now ?? Date.now;
  const byUid = new Map<string, string>();
  const byGrant = new Map<string, Set<string>>();
  const entries = new ExpiringMap<string, { payload: AdapterPayload; uidKey?: string }>({
    maxSize: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
    now,
    onDrop: (key, { payload, uidKey }) => {
      if (uidKey !== undefined) byUid.delete(uidKey);
      if (typeof payload.grantId === 'string') {
        const members = byGrant.get(payload.grantId);
        members?.delete(key);
        if (members?.size === 0) byGrant.delete(payload.grantId);
      }
    },
  });

  class Store implements Adapter {
    constructor(private readonly name: string) {}

    private key(id: string): string {
      return `${this.name}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const key = this.key(id);
      // Replaced wholesale: drop the old version's index entries first.
      entries.delete(key);
      const uidKey = typeof payload.uid === 'string' ? `${this.name}:${payload.uid}` : undefined;
      entries.set(
        key,
        { payload: structuredClone(payload), ...(uidKey !== undefined ? { uidKey } : {}) },
        expiresIn === undefined ? Infinity : now() + expiresIn * 1000,
      );
      if (uidKey !== undefined) byUid.set(uidKey, id);
      if (typeof payload.grantId === 'string') {
        const members = byGrant.get(payload.grantId) ?? new Set<string>();
        members.add(key);
        byGrant.set(payload.grantId, members);
      }
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const entry = entries.get(this.key(id));
      return entry ? structuredClone(entry.payload) : undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = byUid.get(`${this.name}:${uid}`);
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(): Promise<AdapterPayload | undefined> {
      return undefined; // the bridge has no device flow
    }

    async consume(id: string): Promise<void> {
      const entry = entries.get(this.key(id));
      if (entry) entry.payload.consumed = Math.floor(now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      entries.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of [...(byGrant.get(grantId) ?? [])]) entries.delete(key);
      byGrant.delete(grantId);
    }
  }

  return {
    Store,
    sweep: () => entries.sweep(),
    sizes: () => ({ entries: entries.size, byUid: byUid.size, byGrant: byGrant.size }),
  };
}
