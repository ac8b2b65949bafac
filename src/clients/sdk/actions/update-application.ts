import type { Transaction } from '../../../ledger/transaction.ts';
import { parseDidUrl } from '../../../core/did/index.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';

export interface UpdateApplicationParameters extends WaitOptions {
  name?: string;
  /** The full new list (it replaces the old one). */
  redirectUris?: string[];
  /** The record version this replaces (default: the current one, read from the node). */
  previousVersion?: number;
  /** A key of the application's own DID. */
  signer: DidSigner;
}

/** The signed app.update transaction, not submitted. */
export async function prepareUpdateApplication(
  transport: Transport,
  parameters: UpdateApplicationParameters,
): Promise<Transaction> {
  const previousVersion =
    parameters.previousVersion ??
    (await transport.getApplication(parseDidUrl(parameters.signer.kid).did)).application.version;
  return signRegistryTransaction(
    transport,
    'app.update',
    { name: parameters.name, redirectUris: parameters.redirectUris, previousVersion },
    parameters.signer,
  );
}

/** Changes the application's name or redirect URIs. */
export async function updateApplication(
  transport: Transport,
  parameters: UpdateApplicationParameters,
): Promise<TransactionResult> {
  return submitSigned(transport, await prepareUpdateApplication(transport, parameters), parameters);
}
