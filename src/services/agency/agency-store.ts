import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { canonicalJson } from '../../core/encoding/canonical-json.ts';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { CheckedIdentity } from '../../core/identity/identity-document.ts';
import type { DataCipher } from './data-cipher.ts';
import type { AssuranceLevel } from './identity-source.ts';

export const AGENCY_DB_FILE = 'agency.sqlite';

/** A registered person, as the agency keeps them (the identity sealed at rest). */
export interface PersonRecord {
  networkId: string;
  commitment: string;
  did: string;
  assurance: AssuranceLevel;
  registered: number;
  updated: number;
}

export interface OrganizationRegistration {
  uscc: string;
  did: string;
  legalRepresentativeNetworkId: string;
  registered: number;
}

/** What was issued to whom, and where its status lives (to revoke it later). */
export interface IssuedCertificate {
  offerId: string;
  /** A person's network id or an organization's USCC. */
  subject: string;
  templateId: string;
  format?: string;
  statusUri?: string;
  statusIndex?: number;
  issued?: number;
}

/** One line of the access log: who touched what, and whether they were let. */
export interface AccessLogEntry {
  seq: number;
  at: number;
  /** A DID, `operator`, or `anonymous`. */
  actor: string;
  action: string;
  /** A network id, USCC, DID or order id — never a name or a number. */
  subject: string;
  outcome: 'allowed' | 'refused';
  reason?: string;
  prev: string;
  hash: string;
}

const GENESIS_HASH = '0'.repeat(64);

function entryHash(entry: Omit<AccessLogEntry, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(entry)).digest('hex');
}

/**
 * The agency's own store (SQLite, WAL, synchronous FULL): persons and organizations with their
 * identity sealed under the data key, the certificates issued, single-use challenges, and an
 * append-only, hash-chained access log. Nothing here goes to the ledger but commitments.
 */
export class AgencyStore {
  private constructor(
    private readonly db: SqliteDatabase,
    private readonly cipher: DataCipher,
  ) {}

  static open(dataDir: string, cipher: DataCipher): AgencyStore {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const db = new Database(join(dataDir, AGENCY_DB_FILE));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`
      CREATE TABLE IF NOT EXISTS persons (
        network_id TEXT PRIMARY KEY, commitment TEXT NOT NULL UNIQUE, did TEXT NOT NULL,
        assurance TEXT NOT NULL, sealed BLOB NOT NULL, registered INTEGER NOT NULL,
        updated INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS persons_did ON persons(did);
      CREATE TABLE IF NOT EXISTS person_dids (
        did TEXT PRIMARY KEY, network_id TEXT NOT NULL, registered INTEGER NOT NULL,
        mac BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS organizations (
        uscc TEXT PRIMARY KEY, did TEXT NOT NULL, legal_rep TEXT NOT NULL,
        sealed BLOB NOT NULL, registered INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS certificates (
        offer_id TEXT PRIMARY KEY, subject TEXT NOT NULL, template TEXT NOT NULL, format TEXT,
        status_uri TEXT, status_index INTEGER, issued INTEGER);
      CREATE INDEX IF NOT EXISTS certificates_subject ON certificates(subject);
      CREATE TABLE IF NOT EXISTS challenges (nonce TEXT PRIMARY KEY, expires INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS access_log (
        seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        subject TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT, prev TEXT NOT NULL,
        hash TEXT NOT NULL);
    `);
    return new AgencyStore(db, cipher);
  }

  close(): void {
    this.db.close();
  }

  // --- challenges -------------------------------------------------------------------------

  addChallenge(nonce: string, expires: number): void {
    this.db.prepare('DELETE FROM challenges WHERE expires < ?').run(Date.now());
    this.db.prepare('INSERT INTO challenges (nonce, expires) VALUES (?, ?)').run(nonce, expires);
  }

  /** Consumes a challenge: true once, if it was issued and has not expired. */
  consumeChallenge(nonce: string, now: number): boolean {
    const row = this.db
      .prepare('DELETE FROM challenges WHERE nonce = ? RETURNING expires')
      .get(nonce) as { expires: number } | undefined;
    return row !== undefined && row.expires >= now;
  }

  // --- persons ----------------------------------------------------------------------------

  putPerson(record: PersonRecord, identity: CheckedIdentity): void {
    const sealed = this.cipher.seal(
      JSON.stringify(identity),
      `person|${record.networkId}|${record.commitment}`,
    );
    this.db
      .prepare(
        `INSERT INTO persons (network_id, commitment, did, assurance, sealed, registered, updated)
         VALUES (@networkId, @commitment, @did, @assurance, @sealed, @registered, @updated)
         ON CONFLICT(network_id) DO UPDATE SET did = @did, assurance = @assurance,
           sealed = @sealed, updated = @updated`,
      )
      .run({ ...record, sealed });
    // Every DID the person registered stays findable (a disclosure order may name an old one);
    // the row is authenticated under the data key so that nobody can repoint a DID at another
    // person by editing the table.
    this.db
      .prepare(
        'INSERT OR IGNORE INTO person_dids (did, network_id, registered, mac) VALUES (?, ?, ?, ?)',
      )
      .run(
        record.did,
        record.networkId,
        record.updated,
        this.cipher.mac(`${record.did}|${record.networkId}`),
      );
  }

  /** The person's record, without opening their identity. */
  personByNetworkId(networkId: string): PersonRecord | undefined {
    const row = this.db
      .prepare(
        'SELECT network_id, commitment, did, assurance, registered, updated FROM persons WHERE network_id = ?',
      )
      .get(networkId) as Record<string, unknown> | undefined;
    return row ? personOf(row) : undefined;
  }

  /** The person who registered `did` (now or before), without opening their identity. */
  personByDid(did: string): PersonRecord | undefined {
    const link = this.db
      .prepare('SELECT network_id, mac FROM person_dids WHERE did = ?')
      .get(did) as { network_id: string; mac: Buffer } | undefined;
    if (!link) return undefined;
    if (!this.cipher.verifyMac(`${did}|${link.network_id}`, link.mac)) {
      throw new DdiError(ErrorCode.Corrupt, 'a DID link of the agency store was tampered with');
    }
    return this.personByNetworkId(link.network_id);
  }

  /**
   * Opens a person's sealed identity. Callers log the access first (`logAccess`): the only
   * reads are registration checks and regulator-ordered disclosures.
   */
  openIdentity(networkId: string): CheckedIdentity {
    const row = this.db
      .prepare('SELECT sealed, commitment FROM persons WHERE network_id = ?')
      .get(networkId) as { sealed: Buffer; commitment: string } | undefined;
    if (!row) throw new DdiError(ErrorCode.NotFound, `no person ${networkId}`);
    // Bound to the row's network id and commitment: a record copied onto another person, or
    // a commitment swapped between rows, does not open.
    return JSON.parse(
      this.cipher.open(row.sealed, `person|${networkId}|${row.commitment}`),
    ) as CheckedIdentity;
  }

  // --- organizations ----------------------------------------------------------------------

  putOrganization(record: OrganizationRegistration, name: string): void {
    const sealed = this.cipher.seal(JSON.stringify({ name }), `organization|${record.uscc}`);
    this.db
      .prepare(
        `INSERT INTO organizations (uscc, did, legal_rep, sealed, registered)
         VALUES (@uscc, @did, @legalRepresentativeNetworkId, @sealed, @registered)
         ON CONFLICT(uscc) DO UPDATE SET did = @did, legal_rep = @legalRepresentativeNetworkId,
           sealed = @sealed`,
      )
      .run({ ...record, sealed });
  }

  organization(uscc: string): OrganizationRegistration | undefined {
    const row = this.db
      .prepare('SELECT uscc, did, legal_rep, registered FROM organizations WHERE uscc = ?')
      .get(uscc) as Record<string, unknown> | undefined;
    return row
      ? {
          uscc: row.uscc as string,
          did: row.did as string,
          legalRepresentativeNetworkId: row.legal_rep as string,
          registered: row.registered as number,
        }
      : undefined;
  }

  // --- certificates -----------------------------------------------------------------------

  recordOffer(offerId: string, subject: string, templateId: string): void {
    this.db
      .prepare('INSERT INTO certificates (offer_id, subject, template) VALUES (?, ?, ?)')
      .run(offerId, subject, templateId);
  }

  /** The status entry of an issued offer (the issuer's hook, before the credential leaves). */
  recordIssued(offerId: string, format: string, statusUri?: string, statusIndex?: number): void {
    const { changes } = this.db
      .prepare(
        'UPDATE certificates SET format = ?, status_uri = ?, status_index = ?, issued = ? WHERE offer_id = ? AND issued IS NULL',
      )
      .run(format, statusUri ?? null, statusIndex ?? null, Date.now(), offerId);
    // A certificate the agency cannot revoke later is not handed out (it runs before sending).
    if (changes !== 1) {
      throw new DdiError(ErrorCode.Internal, `offer ${offerId} is not an open registration offer`);
    }
  }

  certificatesOf(subject: string): IssuedCertificate[] {
    const rows = this.db
      .prepare('SELECT * FROM certificates WHERE subject = ? AND issued IS NOT NULL')
      .all(subject) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      offerId: row.offer_id as string,
      subject: row.subject as string,
      templateId: row.template as string,
      ...(row.format ? { format: row.format as string } : {}),
      ...(row.status_uri ? { statusUri: row.status_uri as string } : {}),
      ...(row.status_index !== null ? { statusIndex: row.status_index as number } : {}),
      ...(row.issued !== null ? { issued: row.issued as number } : {}),
    }));
  }

  // --- access log -------------------------------------------------------------------------

  /** Appends to the hash-chained access log (in one transaction with the chain head read). */
  logAccess(entry: {
    actor: string;
    action: string;
    subject: string;
    outcome: 'allowed' | 'refused';
    reason?: string;
  }): AccessLogEntry {
    return this.db.transaction(() => {
      const last = this.db
        .prepare('SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1')
        .get() as { seq: number; hash: string } | undefined;
      const body = {
        seq: (last?.seq ?? 0) + 1,
        at: Date.now(),
        actor: entry.actor,
        action: entry.action,
        subject: entry.subject,
        outcome: entry.outcome,
        ...(entry.reason ? { reason: entry.reason } : {}),
        prev: last?.hash ?? GENESIS_HASH,
      };
      const full: AccessLogEntry = { ...body, hash: entryHash(body) };
      this.db
        .prepare(
          `INSERT INTO access_log (seq, at, actor, action, subject, outcome, reason, prev, hash)
           VALUES (@seq, @at, @actor, @action, @subject, @outcome, @reason, @prev, @hash)`,
        )
        .run({ reason: null, ...full });
      return full;
    })();
  }

  /** The last entry's sequence and hash (what gets anchored). */
  accessLogHead(): { seq: number; hash: string } | undefined {
    return this.db.prepare('SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
  }

  accessLog(): AccessLogEntry[] {
    const rows = this.db.prepare('SELECT * FROM access_log ORDER BY seq').all() as Array<
      Record<string, unknown>
    >;
    return rows.map((row) => {
      const { reason, ...rest } = row;
      return {
        ...(rest as unknown as AccessLogEntry),
        ...(reason ? { reason: reason as string } : {}),
      };
    });
  }

  /** Recomputes the chain; the first broken entry's seq, or undefined if it is whole. */
  verifyAccessLog(): { ok: true; entries: number } | { ok: false; brokenAt: number } {
    let prev = GENESIS_HASH;
    const entries = this.accessLog();
    for (const entry of entries) {
      const { hash, ...body } = entry;
      if (entry.prev !== prev || entryHash(body) !== hash)
        return { ok: false, brokenAt: entry.seq };
      prev = hash;
    }
    return { ok: true, entries: entries.length };
  }
}

function personOf(row: Record<string, unknown>): PersonRecord {
  return {
    networkId: row.network_id as string,
    commitment: row.commitment as string,
    did: row.did as string,
    assurance: row.assurance as AssuranceLevel,
    registered: row.registered as number,
    updated: row.updated as number,
  };
}
