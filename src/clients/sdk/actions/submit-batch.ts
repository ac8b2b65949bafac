import type { BatchEntryStatus } from '../../../ledger/ledger-node.ts';
import type { Transaction } from '../../../ledger/transaction.ts';
import type { Transport } from '../transport.ts';

/** Most transactions the SDK sends in one request (the node's limit). */
export const BATCH_REQUEST_SIZE = 2000;

export interface SubmitBatchParameters {
  transactions: Transaction[];
  /** Wait until every accepted entry is committed or rejected (default true). */
  wait?: boolean;
  timeoutMs?: number;
  /** Called after each request with the number of entries answered so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Submits any number of signed transactions, 2,000 per request. Each entry succeeds or
 * fails on its own; the results are in the order of `transactions`.
 */
export async function submitBatch(
  transport: Transport,
  parameters: SubmitBatchParameters,
): Promise<BatchEntryStatus[]> {
  const all = parameters.transactions;
  const results: BatchEntryStatus[] = [];
  for (let start = 0; start < all.length; start += BATCH_REQUEST_SIZE) {
    const chunk = all.slice(start, start + BATCH_REQUEST_SIZE);
    results.push(
      ...(await transport.submitBatch(chunk, {
        wait: parameters.wait ?? true,
        timeoutMs: parameters.timeoutMs,
      })),
    );
    parameters.onProgress?.(results.length, all.length);
  }
  return results;
}
