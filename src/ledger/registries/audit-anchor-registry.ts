import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { parseDdiDid } from '../../core/did/index.ts';
import type { StateReader } from '../state/world-state.ts';
import type { TxHandler } from './tx-context.ts';
import {
  authorizeDidSigner,
  noPersonalNumbers,
  payloadFields,
  singleProof,
} from './authorization.ts';

/**
 * Anchors of data holders' access logs: the holder (a hospital, a bank — whoever releases
 * data under a grant) signs the head hash of its hash-chained log at a sequence number. The
 * log itself stays with the holder; the ledger fixes what it said, so an exported segment
 * can later be checked and a rewritten log is caught. Only hashes and counters: no
 * personal data.
 */
export interface AuditAnchor {
  holder: string;
  logId: string;
  /** The number of the log entry whose hash `head` is. */
  sequence: number;
  /** That entry's hash (lowercase hex SHA-256). */
  head: string;
  /**
   * The sequence of the log's anchor before this one (null for the first): an auditor walks
   * back from the latest anchor and checks every anchor a segment covers.
   */
  previous: number | null;
  time: number;
  height: number;
  txId: string;
}

const LOG_ID = /^[A-Za-z0-9_-]{1,64}$/;
const HEAD = /^[0-9a-f]{64}$/;

const latestKey = (holder: string, logId: string) => `audit/${holder}/${logId}`;
const atKey = (holder: string, logId: string, sequence: number) =>
  `audit/${holder}/${logId}/${sequence}`;

/** The latest anchor of a log. */
export function readLatestAuditAnchor(
  state: StateReader,
  holder: string,
  logId: string,
): AuditAnchor | undefined {
  const raw = state.get(latestKey(holder, logId));
  return raw === undefined ? undefined : (JSON.parse(raw) as AuditAnchor);
}

/** The anchor at one sequence number, if the holder anchored there. */
export function readAuditAnchorAt(
  state: StateReader,
  holder: string,
  logId: string,
  sequence: number,
): AuditAnchor | undefined {
  const raw = state.get(atKey(holder, logId, sequence));
  return raw === undefined ? undefined : (JSON.parse(raw) as AuditAnchor);
}

/** Whether `value` is a log id the ledger accepts. */
export function isAuditLogId(value: unknown): value is string {
  return typeof value === 'string' && LOG_ID.test(value);
}

/** audit.anchor: the holder anchors its log's head; sequence numbers strictly increase. */
const anchor: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['holder', 'logId', 'sequence', 'head']);
  ensure(typeof p.holder === 'string', ErrorCode.Malformed, 'holder must be a DID', {
    field: 'holder',
  });
  const holder = parseDdiDid(p.holder);
  ensure(isAuditLogId(p.logId), ErrorCode.Malformed, 'logId must be 1-64 base64url characters', {
    field: 'logId',
  });
  const logId = noPersonalNumbers(p.logId, 'logId', 11);
  ensure(
    Number.isSafeInteger(p.sequence) && (p.sequence as number) >= 1,
    ErrorCode.Malformed,
    'sequence must be a positive integer',
    { field: 'sequence' },
  );
  const sequence = p.sequence as number;
  ensure(
    typeof p.head === 'string' && HEAD.test(p.head),
    ErrorCode.Malformed,
    'head must be 64 lowercase hex digits',
    { field: 'head' },
  );
  const signer = authorizeDidSigner(ctx, singleProof(ctx));
  ensure(signer === holder, ErrorCode.Unauthorized, `${signer} cannot anchor ${holder}'s log`);
  const latest = readLatestAuditAnchor(ctx.state, holder, logId);
  if (latest && sequence <= latest.sequence) {
    throw new DdiError(
      ErrorCode.Conflict,
      `log ${logId} of ${holder} is anchored at ${latest.sequence}; a new anchor goes beyond it`,
      { latestSequence: latest.sequence },
    );
  }
  const record: AuditAnchor = {
    holder,
    logId,
    sequence,
    head: p.head as string,
    previous: latest?.sequence ?? null,
    time: ctx.time,
    height: ctx.height,
    txId: ctx.txId,
  };
  const value = JSON.stringify(record);
  ctx.state.set(latestKey(holder, logId), value);
  ctx.state.set(atKey(holder, logId, sequence), value);
};

export const auditAnchorRegistryHandlers: Record<string, TxHandler> = {
  'audit.anchor': anchor,
};
