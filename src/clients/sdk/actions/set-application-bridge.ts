import type { Transaction } from '../../../ledger/transaction.ts';
import type { GovernanceSigners } from '../utils/governance-signers.ts';
import { signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';

export interface SetApplicationBridgeParameters extends WaitOptions {
  /** The application's DID. */
  did: string;
  /** true: a login bridge, which may ask wallets on behalf of other registered applications. */
  bridge: boolean;
  reason?: string;
  previousVersion?: number;
  /** The regulator's governance keys. */
  signer: GovernanceSigners;
}

/** The signed app.setBridge transaction, not submitted. */
export async function prepareSetApplicationBridge(
  transport: Transport,
  parameters: SetApplicationBridgeParameters,
): Promise<Transaction> {
  const previousVersion =
    parameters.previousVersion ??
    (await transport.getApplication(parameters.did)).application.version;
  return signRegistryTransaction(
    transport,
    'app.setBridge',
    {
      did: parameters.did,
      bridge: parameters.bridge,
      previousVersion,
      reason: parameters.reason,
    },
    parameters.signer,
  );
}

/** The regulator authorizes an application as a login bridge (or withdraws that). */
export async function setApplicationBridge(
  transport: Transport,
  parameters: SetApplicationBridgeParameters,
): Promise<TransactionResult> {
  return submitSigned(
    transport,
    await prepareSetApplicationBridge(transport, parameters),
    parameters,
  );
}
