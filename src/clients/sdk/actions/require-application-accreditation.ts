import type { Transaction } from '../../../ledger/transaction.ts';
import type { GovernanceSigners } from '../utils/governance-signers.ts';
import { signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';

export interface RequireApplicationAccreditationParameters extends WaitOptions {
  /** The application's DID. */
  did: string;
  /** true: it signs people in only while it holds an applicationServiceProvider accreditation. */
  required: boolean;
  reason?: string;
  previousVersion?: number;
  /** The regulator's governance keys. */
  signer: GovernanceSigners;
}

/** The signed app.requireAccreditation transaction, not submitted. */
export async function prepareRequireApplicationAccreditation(
  transport: Transport,
  parameters: RequireApplicationAccreditationParameters,
): Promise<Transaction> {
  const previousVersion =
    parameters.previousVersion ??
    (await transport.getApplication(parameters.did)).application.version;
  return signRegistryTransaction(
    transport,
    'app.requireAccreditation',
    {
      did: parameters.did,
      required: parameters.required,
      previousVersion,
      reason: parameters.reason,
    },
    parameters.signer,
  );
}

/** The regulator requires (or waives) an accreditation for an application to sign people in. */
export async function requireApplicationAccreditation(
  transport: Transport,
  parameters: RequireApplicationAccreditationParameters,
): Promise<TransactionResult> {
  return submitSigned(
    transport,
    await prepareRequireApplicationAccreditation(transport, parameters),
    parameters,
  );
}
