import type { Transport } from '../transport.ts';
import type { TransactionResult } from '../types.ts';
import type { CredentialStatusEntryParameters } from './set-credential-status.ts';
import { setCredentialStatus } from './set-credential-status.ts';

/** Makes the credential at `index` valid again after a suspension. */
export function reinstateCredential(
  transport: Transport,
  { index, ...parameters }: CredentialStatusEntryParameters,
): Promise<TransactionResult> {
  return setCredentialStatus(transport, { ...parameters, changes: [{ index, status: 'valid' }] });
}
