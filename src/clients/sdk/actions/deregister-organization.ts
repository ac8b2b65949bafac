import type { Transaction } from '../../../ledger/transaction.ts';
import type { RegistrySigner } from '../utils/governance-signers.ts';
import { signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';

export interface DeregisterOrganizationParameters extends WaitOptions {
  uscc: string;
  /** A short reason code. */
  reason?: string;
  /** The record version this replaces (default: the current one, read from the node). */
  previousVersion?: number;
  /** The agency that registered it, or the regulator's governance keys. */
  signer: RegistrySigner;
}

/** The signed org.deregister transaction, not submitted. */
export async function prepareDeregisterOrganization(
  transport: Transport,
  parameters: DeregisterOrganizationParameters,
): Promise<Transaction> {
  const previousVersion =
    parameters.previousVersion ?? (await transport.getOrganization(parameters.uscc)).version;
  return signRegistryTransaction(
    transport,
    'org.deregister',
    { uscc: parameters.uscc, previousVersion, reason: parameters.reason },
    parameters.signer,
  );
}

/** Ends the binding of a code to its primary DID (the code may be registered again). */
export async function deregisterOrganization(
  transport: Transport,
  parameters: DeregisterOrganizationParameters,
): Promise<TransactionResult> {
  return submitSigned(
    transport,
    await prepareDeregisterOrganization(transport, parameters),
    parameters,
  );
}
