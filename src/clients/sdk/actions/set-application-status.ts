import type { ApplicationStatus } from '../../../ledger/registries/application-registry.ts';
import type { Transaction } from '../../../ledger/transaction.ts';
import type { GovernanceSigners } from '../utils/governance-signers.ts';
import { signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';

export interface SetApplicationStatusParameters extends WaitOptions {
  /** The application's DID. */
  did: string;
  status: ApplicationStatus;
  /** A short reason code (never personal data). */
  reason?: string;
  /** The record version this replaces (default: the current one, read from the node). */
  previousVersion?: number;
  /** The regulator's governance keys. */
  signer: GovernanceSigners;
}

/** The signed app.setStatus transaction, not submitted (for collecting more signatures). */
export async function prepareSetApplicationStatus(
  transport: Transport,
  parameters: SetApplicationStatusParameters,
): Promise<Transaction> {
  const previousVersion =
    parameters.previousVersion ??
    (await transport.getApplication(parameters.did)).application.version;
  return signRegistryTransaction(
    transport,
    'app.setStatus',
    { did: parameters.did, status: parameters.status, previousVersion, reason: parameters.reason },
    parameters.signer,
  );
}

/** Suspends (`suspended`) or reinstates (`active`) an application: the regulator's decision. */
export async function setApplicationStatus(
  transport: Transport,
  parameters: SetApplicationStatusParameters,
): Promise<TransactionResult> {
  return submitSigned(
    transport,
    await prepareSetApplicationStatus(transport, parameters),
    parameters,
  );
}
