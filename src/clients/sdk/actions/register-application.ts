import type { Transaction } from '../../../ledger/transaction.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';

export interface RegisterApplicationParameters extends WaitOptions {
  /** The public name a wallet shows the person signing in. */
  name: string;
  /** Exact URIs where login responses may go (https, or http on a loopback host). */
  redirectUris: string[];
  /** A key of the application's own DID: the DID becomes the application's identity. */
  signer: DidSigner;
}

/** The signed app.register transaction, not submitted. */
export function prepareRegisterApplication(
  transport: Transport,
  parameters: RegisterApplicationParameters,
): Promise<Transaction> {
  return signRegistryTransaction(
    transport,
    'app.register',
    { name: parameters.name, redirectUris: parameters.redirectUris },
    parameters.signer,
  );
}

/** Registers the signer's DID as an application service provider. */
export async function registerApplication(
  transport: Transport,
  parameters: RegisterApplicationParameters,
): Promise<TransactionResult> {
  return submitSigned(
    transport,
    await prepareRegisterApplication(transport, parameters),
    parameters,
  );
}
