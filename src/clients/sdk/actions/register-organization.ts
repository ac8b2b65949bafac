import type { OrganizationKind } from '../../../core/org/organization-kind.ts';
import { organizationKindOfUscc } from '../../../core/org/organization-kind.ts';
import type { Transaction } from '../../../ledger/transaction.ts';
import type { RegistrySigner } from '../utils/governance-signers.ts';
import { randomNonce, signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';

export interface RegisterOrganizationParameters extends WaitOptions {
  /** Unified social credit code, canonical spelling (uppercase, 18 characters). */
  uscc: string;
  /** The organization's primary DID. */
  did: string;
  /** Default: what the code's registration authority and category say (else `other`). */
  kind?: OrganizationKind;
  nonce?: string;
  /** An accredited identity verification agency's key, or the regulator's governance keys. */
  signer: RegistrySigner;
}

/** The signed org.register transaction, not submitted. */
export function prepareRegisterOrganization(
  transport: Transport,
  parameters: RegisterOrganizationParameters,
): Promise<Transaction> {
  return signRegistryTransaction(
    transport,
    'org.register',
    {
      nonce: parameters.nonce ?? randomNonce(),
      uscc: parameters.uscc,
      did: parameters.did,
      kind: parameters.kind ?? organizationKindOfUscc(parameters.uscc),
    },
    parameters.signer,
  );
}

/** Binds an organization's code to its primary DID. */
export async function registerOrganization(
  transport: Transport,
  parameters: RegisterOrganizationParameters,
): Promise<TransactionResult> {
  return submitSigned(
    transport,
    await prepareRegisterOrganization(transport, parameters),
    parameters,
  );
}
