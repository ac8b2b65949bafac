import type { Transaction } from '../../../ledger/transaction.ts';
import { decodeTransaction } from '../../../ledger/transaction.ts';
import { submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';

export interface SubmitTransactionParameters extends WaitOptions {
  /** A transaction signed elsewhere, e.g. governance proofs collected from several holders. */
  transaction: Transaction;
}

/** Submits an already signed transaction (waiting for its block by default). */
export function submitTransaction(
  transport: Transport,
  parameters: SubmitTransactionParameters,
): Promise<TransactionResult> {
  // A file from another key holder is untrusted input: check its shape before sending it.
  const { tx } = decodeTransaction(parameters.transaction);
  return submitSigned(transport, tx, parameters);
}
