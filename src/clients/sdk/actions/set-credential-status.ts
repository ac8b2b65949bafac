import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { CredentialStatus } from '../../../ledger/registries/status-registry.ts';
import type { CredentialStatusName } from '../../../services/registry-queries/status-list-query.ts';
import { signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { signerParts } from '../utils/did-signer.ts';

/** One entry to change: its index and the status it gets. */
export interface CredentialStatusChange {
  index: number;
  status: CredentialStatusName;
}

export interface SetCredentialStatusParameters extends WaitOptions {
  /** A key of the list's owner: only the owner changes a list. */
  signer: DidSigner;
  /** The list's owner (default: the signer's DID). */
  owner?: string;
  listId: string;
  /** Up to 1,000 entries; revoked is final. */
  changes: CredentialStatusChange[];
  /** The list version this change replaces (default: the current one, read from the node). */
  previousVersion?: number;
}

const VALUES: Record<CredentialStatusName, number> = {
  valid: CredentialStatus.Valid,
  revoked: CredentialStatus.Revoked,
  suspended: CredentialStatus.Suspended,
};

/** Changes entries of a status list (`status.set`). */
export async function setCredentialStatus(
  transport: Transport,
  parameters: SetCredentialStatusParameters,
): Promise<TransactionResult> {
  const owner = parameters.owner ?? signerParts(parameters.signer).did;
  const changes = parameters.changes.map(({ index, status }) => {
    const value = VALUES[status];
    if (value === undefined) {
      throw new DdiError(ErrorCode.Malformed, 'status must be valid, revoked or suspended', {
        field: 'status',
      });
    }
    return { index, status: value };
  });
  const previousVersion =
    parameters.previousVersion ?? (await transport.getStatusList(owner, parameters.listId)).version;
  const tx = await signRegistryTransaction(
    transport,
    'status.set',
    { owner, listId: parameters.listId, changes, previousVersion },
    parameters.signer,
  );
  return submitSigned(transport, tx, parameters);
}

/** The parameters of the one-entry helpers (revoke, suspend, reinstate). */
export type CredentialStatusEntryParameters = Omit<SetCredentialStatusParameters, 'changes'> & {
  index: number;
};
