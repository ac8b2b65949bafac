import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { randomStatusIndex } from '../../core/status/random-status-index.ts';

/** The allocator's file name in an issuer's data directory. */
export const STATUS_INDEX_FILE = 'status-indexes.sqlite';

/** A status list an issuer allocates indexes in. */
export interface StatusListRef {
  owner: string;
  listId: string;
  /** Entries in the list (the ledger record's `size`). */
  size: number;
  /** How many indexes to hand out at most (default `size`): an issuer keeps its lists sparse. */
  capacity?: number;
}

/** Random draws before falling back to a pick among the free indexes (a nearly full list). */
const RANDOM_DRAWS = 64;

/**
 * Remembers which indexes of which status lists an issuer has handed out, and hands out
 * uniformly random free ones: an index then reveals neither the order of issuance nor how
 * many credentials a list holds, and is never given twice. An allocation is on disk (WAL,
 * synchronous FULL) before `allocate` returns, so a crash cannot hand the same index to
 * two credentials.
 */
export class StatusIndexAllocator {
  private readonly taken: Statement<[string, string, number]>;
  private readonly insert: Statement<[string, string, number]>;
  private readonly count: Statement<[string, string]>;
  private readonly ordered: Statement<[string, string]>;

  private constructor(private readonly db: SqliteDatabase) {
    this.taken = db.prepare(
      'SELECT 1 FROM status_index WHERE owner = ? AND list_id = ? AND idx = ?',
    );
    this.insert = db.prepare('INSERT INTO status_index (owner, list_id, idx) VALUES (?, ?, ?)');
    this.count = db.prepare(
      'SELECT COUNT(*) AS n FROM status_index WHERE owner = ? AND list_id = ?',
    );
    this.ordered = db
      .prepare('SELECT idx FROM status_index WHERE owner = ? AND list_id = ? ORDER BY idx')
      .pluck();
  }

  /** Opens (or creates) the allocator's SQLite file. */
  static open(file: string): StatusIndexAllocator {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // FULL: a commit is fsynced before it returns; an index handed out is never handed out again.
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE IF NOT EXISTS status_index (
      owner TEXT NOT NULL,
      list_id TEXT NOT NULL,
      idx INTEGER NOT NULL,
      PRIMARY KEY (owner, list_id, idx)
    ) WITHOUT ROWID`);
    return new StatusIndexAllocator(db);
  }

  /**
   * A free index of `list`, chosen uniformly at random among all `size` entries and recorded;
   * `conflict` once `capacity` (default `size`) indexes have been handed out.
   */
  allocate(list: StatusListRef): number {
    ensure(
      Number.isSafeInteger(list.size) && list.size > 0,
      ErrorCode.Malformed,
      'a status list has a positive integer size',
    );
    const capacity = list.capacity ?? list.size;
    ensure(
      Number.isSafeInteger(capacity) && capacity > 0 && capacity <= list.size,
      ErrorCode.Malformed,
      'a status list capacity is a positive integer no larger than its size',
    );
    // IMMEDIATE: the check and the insert are one step even if two processes share the file.
    return this.db
      .transaction(() => {
        const used = this.allocatedCount(list);
        if (used >= capacity) {
          throw new DdiError(
            ErrorCode.Conflict,
            `status list ${list.listId} is full (${used} of ${list.size} indexes handed out, capacity ${capacity})`,
            { listId: list.listId, size: list.size, capacity },
          );
        }
        const index = this.pick(list, used);
        this.insert.run(list.owner, list.listId, index);
        return index;
      })
      .immediate();
  }

  /** Whether `index` of `list` has been handed out. */
  isTaken(list: Omit<StatusListRef, 'size'>, index: number): boolean {
    return this.taken.get(list.owner, list.listId, index) !== undefined;
  }

  /** How many indexes of `list` have been handed out (to start a new list before this fills). */
  allocatedCount(list: Omit<StatusListRef, 'size'>): number {
    return (this.count.get(list.owner, list.listId) as { n: number }).n;
  }

  /** Closes the file. */
  close(): void {
    this.db.close();
  }

  private pick(list: StatusListRef, used: number): number {
    try {
      return randomStatusIndex(list.size, (i) => this.isTaken(list, i), RANDOM_DRAWS);
    } catch (err) {
      if (!(err instanceof DdiError) || err.code !== ErrorCode.Conflict) throw err;
    }
    // Nearly full: random draws mostly hit taken indexes. Take the k-th free index for a
    // uniform k instead, which is just as uniform over the free ones.
    let index = randomStatusIndex(list.size - used, () => false);
    for (const taken of this.ordered.iterate(list.owner, list.listId) as Iterable<number>) {
      if (taken > index) break;
      index++;
    }
    return index;
  }
}
