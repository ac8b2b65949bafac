import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { verifyAccessLogSegment } from '../../../core/consent/access-log-chain.ts';
import type {
  AccessLogEntry,
  AnchoredHead,
  SegmentVerification,
} from '../../../core/consent/access-log-chain.ts';
import type { AuditAnchor } from '../../../ledger/registries/audit-anchor-registry.ts';
import type { Transport } from '../transport.ts';

export interface VerifyAccessLogParameters {
  /** The data holder whose log this is. */
  holder: string;
  logId: string;
  /** An exported run of consecutive entries. */
  entries: readonly AccessLogEntry[];
  /** The anchored sequence to check against (default: the last entry's). */
  anchorSequence?: number;
}

/**
 * An auditor's check of an exported log segment against the ledger: the chain holds, the
 * entry at **every** anchored sequence the segment covers has that anchor's head (walking back
 * from the latest anchor, or from `anchorSequence`), the segment is not cut short of the latest
 * anchor (`truncated`), and — when the holder anchored the entry just before the segment — the
 * segment starts where that anchor says.
 */
export async function verifyAccessLog(
  transport: Transport,
  parameters: VerifyAccessLogParameters,
): Promise<SegmentVerification> {
  const { holder, logId, entries } = parameters;
  const first = entries[0];
  const last = entries.at(-1);
  if (!first || !last) return { valid: false, reason: 'empty' };
  const at = async (sequence: number): Promise<AuditAnchor | undefined> => {
    try {
      return await transport.getAuditAnchor(holder, logId, sequence);
    } catch (err) {
      if (err instanceof DdiError && err.code === ErrorCode.NotFound) return undefined;
      throw err;
    }
  };
  let cursor: AuditAnchor | undefined;
  if (parameters.anchorSequence === undefined) {
    cursor = await transport.getAuditAnchor(holder, logId);
    // An export that stops before the latest anchor hides what came after: say so.
    if (cursor.sequence > last.sequence) {
      return { valid: false, reason: 'truncated', sequence: cursor.sequence };
    }
  } else {
    cursor = await transport.getAuditAnchor(holder, logId, parameters.anchorSequence);
  }
  const from: AnchoredHead = cursor;
  const anchors: AnchoredHead[] = [];
  while (cursor && cursor.sequence >= first.sequence) {
    anchors.push(cursor);
    cursor =
      cursor.previous === null || cursor.previous === undefined
        ? undefined
        : await at(cursor.previous);
  }
  // None inside the segment: the check below says `notCovered` (after the chain checks).
  if (anchors.length === 0) anchors.push(from);
  const startAnchor = first.sequence > 1 ? await at(first.sequence - 1) : undefined;
  return verifyAccessLogSegment({ holder, logId }, entries, anchors, startAnchor);
}
