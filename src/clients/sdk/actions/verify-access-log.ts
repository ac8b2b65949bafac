import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { verifyAccessLogSegment } from '../../../core/consent/access-log-chain.ts';
import type {
  AccessLogEntry,
  AnchoredHead,
  SegmentVerification,
} from '../../../core/consent/access-log-chain.ts';
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
 * entry at the anchored sequence has the anchored head, and — when the holder anchored the
 * entry just before the segment — the segment starts where that anchor says.
 */
export async function verifyAccessLog(
  transport: Transport,
  parameters: VerifyAccessLogParameters,
): Promise<SegmentVerification> {
  const { holder, logId, entries } = parameters;
  const first = entries[0];
  const last = entries.at(-1);
  if (!first || !last) return { valid: false, reason: 'empty' };
  const anchor = await transport.getAuditAnchor(
    holder,
    logId,
    parameters.anchorSequence ?? last.sequence,
  );
  let startAnchor: AnchoredHead | undefined;
  if (first.sequence > 1) {
    try {
      startAnchor = await transport.getAuditAnchor(holder, logId, first.sequence - 1);
    } catch (err) {
      if (!(err instanceof DdiError) || err.code !== ErrorCode.NotFound) throw err;
    }
  }
  return verifyAccessLogSegment({ holder, logId }, entries, anchor, startAnchor);
}
