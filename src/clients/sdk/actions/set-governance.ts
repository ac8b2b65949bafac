import type { Transaction } from '../../../ledger/transaction.ts';
import { signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';
import type { GovernanceSigners } from '../utils/governance-signers.ts';

export interface SetGovernanceParameters extends WaitOptions {
  /** The new M (default: unchanged). */
  threshold?: number;
  /** The new governance keys (default: unchanged). */
  keys?: Array<{ id: string; publicKeyMultibase: string }>;
  /** The configuration version this replaces (default: the current one, read from the node). */
  previousVersion?: number;
  /** The current threshold of current governance keys. */
  signer: GovernanceSigners;
}

/** The signed gov.setGovernance transaction, not submitted. */
export async function prepareSetGovernance(
  transport: Transport,
  parameters: SetGovernanceParameters,
): Promise<Transaction> {
  const needsCurrent =
    parameters.previousVersion === undefined ||
    parameters.threshold === undefined ||
    parameters.keys === undefined;
  const current = needsCurrent ? await transport.getGovernance() : undefined;
  return signRegistryTransaction(
    transport,
    'gov.setGovernance',
    {
      previousVersion: parameters.previousVersion ?? current!.version,
      threshold: parameters.threshold ?? current!.threshold,
      keys: parameters.keys ?? current!.keys,
    },
    parameters.signer,
  );
}

/** Changes the regulator's governance keys and/or threshold. */
export async function setGovernance(
  transport: Transport,
  parameters: SetGovernanceParameters,
): Promise<TransactionResult> {
  return submitSigned(transport, await prepareSetGovernance(transport, parameters), parameters);
}
