import { canonicalBytes } from '../encoding/canonical-json.ts';
import { hexEncode } from '../encoding/hex.ts';
import { sha256 } from '../hash/index.ts';

/**
 * The hash chain of a data holder's access log: each entry's hash covers its fields and the
 * previous entry's hash, so the head (the last hash) commits to the whole log. The head is
 * what the holder anchors on the ledger (`audit.anchor`); the entries stay with the holder.
 */

/** The `prevHash` of the first entry. */
export const ACCESS_LOG_GENESIS_HASH = '0'.repeat(64);

/** A data holder's decision on one access attempt. */
export type AccessDecision = 'allowed' | 'refused';

/** One logged access attempt, allowed or refused. */
export interface AccessLogEntry {
  /** 1 for the first entry, +1 for each next one. */
  sequence: number;
  /** When the holder decided (ms since the epoch). */
  time: number;
  /** The grant the requester named, or null when it named none. */
  grantId: string | null;
  /** The person (or organization) whose data was asked for. */
  grantor: string;
  /** Who asked. */
  grantee: string;
  scope: string;
  purpose: string | null;
  decision: AccessDecision;
  /** Why refused (noGrant, revoked, expired, …); null when allowed. */
  reason: string | null;
  /** The previous entry's hash (`ACCESS_LOG_GENESIS_HASH` for the first). */
  prevHash: string;
  /** SHA-256 of this entry (lowercase hex). */
  hash: string;
}

/** Which log an entry belongs to: the holder's DID and its log id, both inside every hash. */
export interface AccessLogId {
  holder: string;
  logId: string;
}

// Domain separation: an entry hash is never the hash of any other ddi object.
const PREFIX = new TextEncoder().encode('ddi/access-log/v1\n');

/** The hash of an entry (everything but `hash` itself) within a log. */
export function accessLogEntryHash(log: AccessLogId, entry: Omit<AccessLogEntry, 'hash'>): string {
  const body = canonicalBytes({
    holder: log.holder,
    logId: log.logId,
    sequence: entry.sequence,
    time: entry.time,
    grantId: entry.grantId,
    grantor: entry.grantor,
    grantee: entry.grantee,
    scope: entry.scope,
    purpose: entry.purpose,
    decision: entry.decision,
    reason: entry.reason,
    prevHash: entry.prevHash,
  });
  const input = new Uint8Array(PREFIX.length + body.length);
  input.set(PREFIX, 0);
  input.set(body, PREFIX.length);
  return hexEncode(sha256(input));
}

/** A head anchored on the ledger: the hash of the entry with this sequence number. */
export interface AnchoredHead {
  sequence: number;
  head: string;
}

/** Why a segment does not check out. */
export type SegmentFailure =
  | 'empty'
  | 'gap'
  | 'hashMismatch'
  | 'brokenChain'
  | 'startMismatch'
  | 'notCovered'
  | 'anchorMismatch'
  /** The ledger holds a later anchor than the segment's last entry: entries were left out. */
  | 'truncated';

export type SegmentVerification =
  | { valid: true; from: number; to: number; anchoredThrough: number }
  | { valid: false; reason: SegmentFailure; sequence?: number };

/**
 * Checks an exported run of entries against the ledger: every hash recomputes, each entry
 * chains to the one before, and the entry at every anchored sequence the segment covers has
 * that anchor's head (`anchors`: one anchor or all of them; at least one must be covered). The
 * start is checked too when it can be: against the genesis hash for sequence 1, or against
 * `startAnchor` (the anchor at the sequence just before the segment) when given.
 */
export function verifyAccessLogSegment(
  log: AccessLogId,
  entries: readonly AccessLogEntry[],
  anchors: AnchoredHead | readonly AnchoredHead[],
  startAnchor?: AnchoredHead,
): SegmentVerification {
  const first = entries[0];
  if (!first) return { valid: false, reason: 'empty' };
  if (first.sequence === 1 && first.prevHash !== ACCESS_LOG_GENESIS_HASH)
    return { valid: false, reason: 'startMismatch', sequence: 1 };
  if (startAnchor) {
    if (startAnchor.sequence !== first.sequence - 1 || startAnchor.head !== first.prevHash)
      return { valid: false, reason: 'startMismatch', sequence: first.sequence };
  }
  let previous: AccessLogEntry | undefined;
  for (const entry of entries) {
    if (previous && entry.sequence !== previous.sequence + 1)
      return { valid: false, reason: 'gap', sequence: entry.sequence };
    if (previous && entry.prevHash !== previous.hash)
      return { valid: false, reason: 'brokenChain', sequence: entry.sequence };
    const { hash, ...rest } = entry;
    if (accessLogEntryHash(log, rest) !== hash)
      return { valid: false, reason: 'hashMismatch', sequence: entry.sequence };
    previous = entry;
  }
  const all = (Array.isArray(anchors) ? anchors : [anchors]) as readonly AnchoredHead[];
  const covered = all
    .filter((a) => a.sequence >= first.sequence && a.sequence <= previous!.sequence)
    .sort((a, b) => a.sequence - b.sequence);
  if (covered.length === 0) {
    const sequence = Math.max(...all.map((a) => a.sequence));
    return { valid: false, reason: 'notCovered', ...(all.length ? { sequence } : {}) };
  }
  for (const anchor of covered) {
    if (entries[anchor.sequence - first.sequence]!.hash !== anchor.head)
      return { valid: false, reason: 'anchorMismatch', sequence: anchor.sequence };
  }
  return {
    valid: true,
    from: first.sequence,
    to: previous!.sequence,
    anchoredThrough: covered.at(-1)!.sequence,
  };
}
