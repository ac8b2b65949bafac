import type { Transaction } from '../../../ledger/transaction.ts';
import { randomNonce, signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';
import type { GovernanceSigners } from '../utils/governance-signers.ts';

export interface BlocklistParameters extends WaitOptions {
  did: string;
  /** true lists the DID (default), false takes it off the list. */
  listed?: boolean;
  /** A short reason code (never personal data). */
  reason?: string;
  nonce?: string;
  /** Only the regulator blocklists. */
  signer: GovernanceSigners;
}

/** The signed trust.blocklist transaction, not submitted. */
export function prepareBlocklist(
  transport: Transport,
  parameters: BlocklistParameters,
): Promise<Transaction> {
  return signRegistryTransaction(
    transport,
    'trust.blocklist',
    {
      nonce: parameters.nonce ?? randomNonce(),
      did: parameters.did,
      listed: parameters.listed ?? true,
      reason: parameters.reason,
    },
    parameters.signer,
  );
}

/** Lists (or delists) a DID: while listed it holds no role and nothing it granted counts. */
export async function blocklist(
  transport: Transport,
  parameters: BlocklistParameters,
): Promise<TransactionResult> {
  return submitSigned(transport, await prepareBlocklist(transport, parameters), parameters);
}
