import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { decodeTokenStatusList } from '../../core/status/index.ts';
import type { StatusListView } from '../registry-queries/status-list-query.ts';
import { STATUS_INDEX_FILE, StatusIndexAllocator } from '../status/status-index-allocator.ts';

/** The file in the issuer's data directory naming its status lists. */
export const STATUS_LIST_FILE = 'status-list.json';

/** The share of a list's entries an issuer hands out before it starts a new list, by default. */
export const DEFAULT_STATUS_FILL_LIMIT = 0.5;

/** Where the issuer keeps its status lists and allocator, and how it makes a list. */
export interface IssuerStatusOptions {
  /** The issuer's data directory (created if missing). */
  dataDir: string;
  /** Creates a status list owned by the issuer on the ledger (e.g. the SDK's createStatusList). */
  createList: () => Promise<{ listId: string }>;
  /**
   * The share of a list's entries handed out before the issuer starts a new list, in (0, 1]
   * (default 0.5). Below 1 a list never fills: random draws stay cheap and the handed-out
   * indexes stay a minority of the entries.
   */
  fillLimit?: number;
}

/** A status list entry handed out for one credential. */
export interface IssuedStatusEntry {
  listId: string;
  idx: number;
}

/** The issuer's status lists: the current one, the older ones, the allocator, the ledger's bits. */
export interface IssuerStatusList {
  /** The list new credentials get their entry in. */
  readonly listId: string;
  /** Every list of this issuer, oldest first; all stay served (credentials on them live on). */
  readonly listIds: readonly string[];
  allocator: StatusIndexAllocator;
  /**
   * A random free entry of the current list, recorded before it is returned; when the current
   * list has reached its fill limit, a new list is created on the ledger first.
   */
  allocate(): Promise<IssuedStatusEntry>;
  /** One of the issuer's lists as the ledger holds it now, with its packed entries. */
  read(listId: string): Promise<{ view: StatusListView; packed: Uint8Array }>;
  close(): void;
}

/** The ids in `<dataDir>/status-list.json`, oldest first (`{listId}` alone: an older file). */
function readListIds(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  let saved: { listId?: unknown; lists?: unknown };
  try {
    saved = JSON.parse(text) as typeof saved;
  } catch {
    throw new DdiError(ErrorCode.Malformed, `${file} is not JSON`);
  }
  const ids = Array.isArray(saved.lists) ? (saved.lists as unknown[]) : [saved.listId];
  const valid = (id: unknown): id is string =>
    typeof id === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(id);
  if (ids.length === 0 || !ids.every(valid) || (saved.lists && saved.listId !== ids.at(-1))) {
    throw new DdiError(ErrorCode.Malformed, `${file} names no valid status list ids`);
  }
  return ids as string[];
}

/** Written whole to a temporary file and renamed over the old one: never half a file. */
function writeListIds(file: string, owner: string, lists: readonly string[]): void {
  const text = `${JSON.stringify({ owner, listId: lists.at(-1), lists }, null, 2)}\n`;
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/**
 * Opens the issuer's status lists: the ids kept in `<dataDir>/status-list.json`, or a list
 * created on the ledger now (and its id written there) when there is none; plus the index
 * allocator in `<dataDir>/status-indexes.sqlite`. One issuer process per data directory.
 */
export async function openIssuerStatusList(
  owner: string,
  options: IssuerStatusOptions,
  getStatusList: (owner: string, listId: string) => Promise<StatusListView>,
): Promise<IssuerStatusList> {
  const fillLimit = options.fillLimit ?? DEFAULT_STATUS_FILL_LIMIT;
  ensure(
    Number.isFinite(fillLimit) && fillLimit > 0 && fillLimit <= 1,
    ErrorCode.Malformed,
    `the status list fill limit is a share in (0, 1], got ${fillLimit}`,
  );
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = join(options.dataDir, STATUS_LIST_FILE);
  const lists = readListIds(file);

  /** The current list with its size, checked on the ledger: it must exist and be ours. */
  async function useList(listId: string): Promise<{ listId: string; size: number }> {
    const { size } = await getStatusList(owner, listId);
    return { listId, size };
  }
  async function newList(): Promise<{ listId: string; size: number }> {
    const { listId } = await options.createList();
    const list = await useList(listId);
    // Recorded before any index of it is handed out; a crash before this leaves an empty list.
    lists.push(listId);
    writeListIds(file, owner, lists);
    return list;
  }

  let current = lists.length === 0 ? await newList() : await useList(lists.at(-1)!);
  const allocator = StatusIndexAllocator.open(join(options.dataDir, STATUS_INDEX_FILE));
  const draw = (): IssuedStatusEntry => ({
    listId: current.listId,
    idx: allocator.allocate({
      owner,
      ...current,
      capacity: Math.max(1, Math.floor(current.size * fillLimit)),
    }),
  });

  // Allocations run one at a time, so that two requests meeting a full list make one new list.
  let queue: Promise<unknown> = Promise.resolve();
  const allocate = async (): Promise<IssuedStatusEntry> => {
    try {
      return draw();
    } catch (err) {
      if (!(err instanceof DdiError) || err.code !== ErrorCode.Conflict) throw err;
    }
    current = await newList();
    return draw();
  };

  return {
    get listId() {
      return current.listId;
    },
    get listIds() {
      return [...lists];
    },
    allocator,
    allocate: () => {
      const next = queue.then(allocate, allocate);
      queue = next.catch(() => undefined);
      return next;
    },
    read: async (listId) => {
      if (!lists.includes(listId)) {
        throw new DdiError(ErrorCode.NotFound, `this issuer serves no status list ${listId}`);
      }
      const view = await getStatusList(owner, listId);
      return { view, packed: decodeTokenStatusList({ bits: view.bits, lst: view.lst }).packed };
    },
    close: () => allocator.close(),
  };
}
