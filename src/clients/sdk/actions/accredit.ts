import type { Transaction } from '../../../ledger/transaction.ts';
import type { AccreditationScope, Role } from '../../../ledger/registries/trust-registry.ts';
import type { RegistrySigner } from '../utils/governance-signers.ts';
import {
  randomNonce,
  signRegistryTransaction,
  submitSigned,
  toMillis,
} from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';

export interface AccreditParameters extends WaitOptions {
  /** The DID accredited. */
  subject: string;
  role: Role;
  /** Credential types and/or template ids (a credential issuer needs one of them). */
  scope?: AccreditationScope;
  /** Start of validity (default: the block's time). */
  validFrom?: Date | number;
  /** End of validity (exclusive). */
  validUntil: Date | number;
  /** An operator's node key (Multikey). */
  nodeKey?: string;
  /** Makes a grant with the same terms a new transaction (default: random). */
  nonce?: string;
  /** The regulator's governance keys (any role), or an accreditation authority's DID key (issuers in its scope). */
  signer: RegistrySigner;
}

/** The signed trust.accredit transaction, not submitted (to collect more governance proofs). */
export function prepareAccredit(
  transport: Transport,
  parameters: AccreditParameters,
): Promise<Transaction> {
  return signRegistryTransaction(
    transport,
    'trust.accredit',
    {
      nonce: parameters.nonce ?? randomNonce(),
      subject: parameters.subject,
      role: parameters.role,
      scope: parameters.scope,
      validFrom: parameters.validFrom === undefined ? undefined : toMillis(parameters.validFrom),
      validUntil: toMillis(parameters.validUntil),
      nodeKey: parameters.nodeKey,
    },
    parameters.signer,
  );
}

/** Accredits a DID in a role; the accreditation's id is the transaction's id. */
export async function accredit(
  transport: Transport,
  parameters: AccreditParameters,
): Promise<TransactionResult & { accreditation: string }> {
  const result = await submitSigned(
    transport,
    await prepareAccredit(transport, parameters),
    parameters,
  );
  return { ...result, accreditation: result.txId };
}
