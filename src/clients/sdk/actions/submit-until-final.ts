import { DdiError, ErrorCode } from '../../../core/errors.ts';
import type { Transaction } from '../../../ledger/transaction.ts';
import { transactionId } from '../../../ledger/transaction.ts';
import type { Transport, TransactionStatus } from '../transport.ts';

export interface SubmitUntilFinalOptions {
  /** Give up after this long (ms, default 60 s) with `timeout`. */
  timeoutMs?: number;
  /** How long one attempt waits for finality before resubmitting (ms, default 10 s). */
  attemptTimeoutMs?: number;
}

// Codes that say "not yet" rather than "no": the transaction is resubmitted.
const RETRYABLE = new Set<string>([ErrorCode.Timeout, ErrorCode.Unavailable, ErrorCode.Internal]);

/**
 * Keeps a transaction until it is in a final block (signed by a quorum of operators),
 * resubmitting the very same transaction — same id — to the next node when an attempt times
 * out or a node is unavailable. Resubmitting is safe: the ordering cluster drops a duplicate
 * id within its window and the ledger rejects one after it (`replay`, which here means
 * "already there": the answer is then read from the transaction's status). NATS 2.9
 * acknowledges before it writes to disk, so only a final block is proof (docs/operations.md).
 */
export async function submitUntilFinal(
  transports: Transport | Transport[],
  tx: Transaction,
  options: SubmitUntilFinalOptions = {},
): Promise<TransactionStatus> {
  const nodes = Array.isArray(transports) ? transports : [transports];
  if (nodes.length === 0) throw new DdiError(ErrorCode.Malformed, 'no node to submit to');
  const id = transactionId(tx.body);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const attempt = options.attemptTimeoutMs ?? 10_000;
  let last: unknown;
  for (let i = 0; Date.now() < deadline; i++) {
    const node = nodes[i % nodes.length]!;
    try {
      return await node.submit(tx, {
        wait: true,
        final: true,
        timeoutMs: Math.min(attempt, Math.max(1, deadline - Date.now())),
      });
    } catch (err) {
      last = err;
      const code = err instanceof DdiError ? err.code : undefined;
      if (code === ErrorCode.Replay) {
        const final = await finalStatus(node, id).catch(() => undefined);
        if (final) return final;
      } else if (code !== undefined && !RETRYABLE.has(code)) {
        throw err;
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(2000, 100 * 2 ** Math.min(i, 4))),
      );
    }
  }
  throw new DdiError(ErrorCode.Timeout, `transaction ${id} was not final within the time given`, {
    id,
    last: last instanceof Error ? last.message : String(last),
  });
}

/** The status of a committed transaction once its block is final on `node`, else undefined. */
async function finalStatus(node: Transport, id: string): Promise<TransactionStatus | undefined> {
  const status = await node.txStatus(id);
  if (status.status !== 'committed') return undefined;
  const nodeStatus = await node.status();
  return (nodeStatus.finalHeight ?? nodeStatus.height) >= status.height ? status : undefined;
}
