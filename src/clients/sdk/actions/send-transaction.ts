import type { Transaction, TransactionSigner } from '../../../ledger/transaction.ts';
import { signTransaction, transactionId } from '../../../ledger/transaction.ts';
import type { Transport, TransactionStatus } from '../transport.ts';
import type { WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { toTransactionSigner } from '../utils/did-signer.ts';
import { getChainId } from './get-chain-id.ts';

export interface SendTransactionParameters extends WaitOptions {
  /** Transaction type, e.g. "did.update". */
  type: string;
  payload: Record<string, unknown>;
  /** Who signs: DID keys (kid = DID URL) or raw ledger signers (e.g. kid "recovery"). */
  signers: Array<DidSigner | TransactionSigner>;
}

/** Builds a transaction for the node's chain, signs it, and submits it (waiting by default). */
export async function sendTransaction(
  transport: Transport,
  parameters: SendTransactionParameters,
): Promise<{ txId: string; status: TransactionStatus; transaction: Transaction }> {
  const chainId = await getChainId(transport);
  const body = { chainId, type: parameters.type, payload: parameters.payload };
  const signers = parameters.signers.map((s) => ('keyPair' in s ? toTransactionSigner(s) : s));
  const transaction = signTransaction(body, signers);
  const status = await transport.submit(transaction, {
    wait: parameters.wait ?? true,
    timeoutMs: parameters.timeoutMs,
  });
  return { txId: transactionId(body), status, transaction };
}
