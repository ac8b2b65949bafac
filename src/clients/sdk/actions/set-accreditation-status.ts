import type { Transaction } from '../../../ledger/transaction.ts';
import type { AccreditationStatus } from '../../../ledger/registries/trust-registry.ts';
import type { RegistrySigner } from '../utils/governance-signers.ts';
import { signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';

export interface SetAccreditationStatusParameters extends WaitOptions {
  /** The accreditation's id. */
  accreditation: string;
  status: AccreditationStatus;
  /** A short reason code (never personal data). */
  reason?: string;
  /** The version this change replaces (default: the current one, read from the node). */
  previousVersion?: number;
  /** The regulator's governance keys, or the key of the authority that granted it. */
  signer: RegistrySigner;
}

/** The signed trust.setStatus transaction, not submitted. */
export async function prepareSetAccreditationStatus(
  transport: Transport,
  parameters: SetAccreditationStatusParameters,
): Promise<Transaction> {
  const previousVersion =
    parameters.previousVersion ??
    (await transport.getAccreditation(parameters.accreditation)).version;
  return signRegistryTransaction(
    transport,
    'trust.setStatus',
    {
      accreditation: parameters.accreditation,
      previousVersion,
      status: parameters.status,
      reason: parameters.reason,
    },
    parameters.signer,
  );
}

/** Suspends, reinstates (`active`) or revokes an accreditation; the history keeps every change. */
export async function setAccreditationStatus(
  transport: Transport,
  parameters: SetAccreditationStatusParameters,
): Promise<TransactionResult> {
  return submitSigned(
    transport,
    await prepareSetAccreditationStatus(transport, parameters),
    parameters,
  );
}
