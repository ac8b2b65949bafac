import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import { decodeTokenStatusList } from '../../core/status/index.ts';
import type { StatusListView } from '../registry-queries/status-list-query.ts';
import { STATUS_INDEX_FILE, StatusIndexAllocator } from '../status/status-index-allocator.ts';

/** The file in the issuer's data directory naming its status list. */
export const STATUS_LIST_FILE = 'status-list.json';

/** Where the issuer keeps its status list id and allocator, and how it makes a list. */
export interface IssuerStatusOptions {
  /** The issuer's data directory (created if missing). */
  dataDir: string;
  /** Creates a status list owned by the issuer on the ledger (e.g. the SDK's createStatusList). */
  createList: () => Promise<{ listId: string }>;
}

/** The issuer's status list: its id, the allocator of its indexes, and the ledger's bits. */
export interface IssuerStatusList {
  listId: string;
  allocator: StatusIndexAllocator;
  /** A random free index, recorded before it is returned. */
  allocate(): Promise<number>;
  /** The list as the ledger holds it now, with its packed entries. */
  current(): Promise<{ view: StatusListView; packed: Uint8Array }>;
  close(): void;
}

function readListId(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const listId = (JSON.parse(text) as { listId?: unknown }).listId;
  if (typeof listId !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(listId)) {
    throw new DdiError(ErrorCode.Malformed, `${file} names no valid status list id`);
  }
  return listId;
}

/**
 * Opens the issuer's status list: the id kept in `<dataDir>/status-list.json`, or a list created
 * on the ledger now (and its id written there) when there is none; plus the index allocator.
 */
export async function openIssuerStatusList(
  owner: string,
  options: IssuerStatusOptions,
  getStatusList: (owner: string, listId: string) => Promise<StatusListView>,
): Promise<IssuerStatusList> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = join(options.dataDir, STATUS_LIST_FILE);
  let listId = readListId(file);
  if (listId === undefined) {
    ({ listId } = await options.createList());
    writeFileSync(file, `${JSON.stringify({ owner, listId }, null, 2)}\n`, { mode: 0o600 });
  }
  const id = listId;
  // The list must exist and be ours before anything is issued against it.
  const { size } = await getStatusList(owner, id);
  const allocator = StatusIndexAllocator.open(join(options.dataDir, STATUS_INDEX_FILE));
  return {
    listId: id,
    allocator,
    allocate: () => Promise.resolve(allocator.allocate({ owner, listId: id, size })),
    current: async () => {
      const view = await getStatusList(owner, id);
      return { view, packed: decodeTokenStatusList({ bits: view.bits, lst: view.lst }).packed };
    },
    close: () => allocator.close(),
  };
}
