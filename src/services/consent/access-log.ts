import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import {
  ACCESS_LOG_GENESIS_HASH,
  accessLogEntryHash,
  verifyAccessLogSegment,
} from '../../core/consent/access-log-chain.ts';
import type {
  AccessLogEntry,
  AccessLogId,
  AnchoredHead,
  SegmentVerification,
} from '../../core/consent/access-log-chain.ts';

/** What the holder records of one access attempt; the log adds sequence, hashes and time. */
export type AccessAttempt = Omit<AccessLogEntry, 'sequence' | 'prevHash' | 'hash' | 'time'> & {
  time?: number;
};

/** The head of the log: what `audit.anchor` puts on the ledger. */
export interface AccessLogHead {
  logId: string;
  /** 0 while the log is empty. */
  sequence: number;
  head: string;
}

/** Longest text a log field takes (DIDs, ids, purposes, reasons are all far shorter). */
const MAX_FIELD = 512;

interface Row {
  sequence: number;
  time: number;
  grant_id: string | null;
  grantor: string;
  grantee: string;
  scope: string;
  purpose: string | null;
  decision: 'allowed' | 'refused';
  reason: string | null;
  prev_hash: string;
  hash: string;
}

const toEntry = (r: Row): AccessLogEntry => ({
  sequence: r.sequence,
  time: r.time,
  grantId: r.grant_id,
  grantor: r.grantor,
  grantee: r.grantee,
  scope: r.scope,
  purpose: r.purpose,
  decision: r.decision,
  reason: r.reason,
  prevHash: r.prev_hash,
  hash: r.hash,
});

function text(value: unknown, field: string, nullable: boolean): string | null {
  if (nullable && value === null) return null;
  ensure(
    typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD,
    ErrorCode.Malformed,
    `${field} must be a string of 1-${MAX_FIELD} characters`,
    { field },
  );
  return value;
}

/**
 * A data holder's append-only, hash-chained log of access attempts, in its own SQLite file
 * (WAL, synchronous FULL: an entry is on disk before the data it allows is released).
 * Triggers refuse UPDATE and DELETE; the chain and the ledger anchors catch an edit made
 * around them (straight to the file).
 */
export class AccessLog {
  private readonly last: Statement<[]>;
  private readonly insert: Statement<[Row]>;
  private readonly range: Statement<[number, number]>;

  private constructor(
    private readonly db: SqliteDatabase,
    readonly id: AccessLogId,
  ) {
    this.last = db.prepare('SELECT * FROM access_log ORDER BY sequence DESC LIMIT 1');
    this.insert = db.prepare(`INSERT INTO access_log
      (sequence, time, grant_id, grantor, grantee, scope, purpose, decision, reason, prev_hash, hash)
      VALUES (@sequence, @time, @grant_id, @grantor, @grantee, @scope, @purpose, @decision,
              @reason, @prev_hash, @hash)`);
    this.range = db.prepare(
      'SELECT * FROM access_log WHERE sequence BETWEEN ? AND ? ORDER BY sequence',
    );
  }

  /**
   * Opens (or creates) the log of `holder` named `logId` in `file`. A file belongs to one
   * log: opening it as another is `conflict`.
   */
  static open(file: string, id: AccessLogId): AccessLog {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`
      CREATE TABLE IF NOT EXISTS log_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS access_log (
        sequence INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        grant_id TEXT,
        grantor TEXT NOT NULL,
        grantee TEXT NOT NULL,
        scope TEXT NOT NULL,
        purpose TEXT,
        decision TEXT NOT NULL CHECK (decision IN ('allowed', 'refused')),
        reason TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
      CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
    `);
    const meta = db.prepare('SELECT value FROM log_meta WHERE key = ?').pluck();
    const holder = meta.get('holder') as string | undefined;
    const logId = meta.get('logId') as string | undefined;
    if (holder === undefined) {
      const put = db.prepare('INSERT INTO log_meta (key, value) VALUES (?, ?)');
      db.transaction(() => {
        put.run('holder', id.holder);
        put.run('logId', id.logId);
      })();
    } else if (holder !== id.holder || logId !== id.logId) {
      db.close();
      throw new DdiError(
        ErrorCode.Conflict,
        `${file} is the log ${logId} of ${holder}, not ${id.logId} of ${id.holder}`,
      );
    }
    return new AccessLog(db, { holder: id.holder, logId: id.logId });
  }

  /** Appends one attempt, chained to the last entry, and returns it as stored. */
  append(attempt: AccessAttempt): AccessLogEntry {
    ensure(
      attempt.decision === 'allowed' || attempt.decision === 'refused',
      ErrorCode.Malformed,
      'decision is allowed or refused',
      { field: 'decision' },
    );
    const fields = {
      grantId: text(attempt.grantId, 'grantId', true),
      grantor: text(attempt.grantor, 'grantor', false)!,
      grantee: text(attempt.grantee, 'grantee', false)!,
      scope: text(attempt.scope, 'scope', false)!,
      purpose: text(attempt.purpose, 'purpose', true),
      decision: attempt.decision,
      reason: text(attempt.reason, 'reason', true),
      time: attempt.time ?? Date.now(),
    };
    ensure(Number.isSafeInteger(fields.time), ErrorCode.Malformed, 'time must be ms', {
      field: 'time',
    });
    // IMMEDIATE: reading the last entry and appending after it is one step, across processes.
    return this.db
      .transaction(() => {
        const last = this.last.get() as Row | undefined;
        const unhashed = {
          ...fields,
          sequence: (last?.sequence ?? 0) + 1,
          prevHash: last?.hash ?? ACCESS_LOG_GENESIS_HASH,
        };
        const entry: AccessLogEntry = { ...unhashed, hash: accessLogEntryHash(this.id, unhashed) };
        this.insert.run({
          sequence: entry.sequence,
          time: entry.time,
          grant_id: entry.grantId,
          grantor: entry.grantor,
          grantee: entry.grantee,
          scope: entry.scope,
          purpose: entry.purpose,
          decision: entry.decision,
          reason: entry.reason,
          prev_hash: entry.prevHash,
          hash: entry.hash,
        });
        return entry;
      })
      .immediate();
  }

  /** The last entry's sequence and hash (sequence 0 and the genesis hash while empty). */
  head(): AccessLogHead {
    const last = this.last.get() as Row | undefined;
    return {
      logId: this.id.logId,
      sequence: last?.sequence ?? 0,
      head: last?.hash ?? ACCESS_LOG_GENESIS_HASH,
    };
  }

  /** Entries `from` to `to` (inclusive), for export to an auditor. */
  entries(from = 1, to = Number.MAX_SAFE_INTEGER): AccessLogEntry[] {
    return (this.range.all(from, to) as Row[]).map(toEntry);
  }

  /**
   * Re-checks the whole log on disk against its anchors on the ledger (`getAuditAnchor`:
   * the latest, or all of them): every hash, every link, and the entry at each anchored
   * sequence. The anchors must come from the ledger, not from this file — the file's own
   * head proves nothing about a file rewritten consistently from some entry on.
   */
  verify(anchors: AnchoredHead | readonly AnchoredHead[]): SegmentVerification {
    return verifyAccessLogSegment(this.id, this.entries(), anchors);
  }

  close(): void {
    this.db.close();
  }
}
