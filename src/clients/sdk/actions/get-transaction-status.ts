import type { Transport, TransactionStatus } from '../transport.ts';

/** Status of a transaction: pending, committed (with its block) or rejected (with the code). */
export function getTransactionStatus(transport: Transport, id: string): Promise<TransactionStatus> {
  return transport.txStatus(id);
}
