import type { Transport } from '../transport.ts';
import type { TransactionResult } from '../types.ts';
import type { CredentialStatusEntryParameters } from './set-credential-status.ts';
import { setCredentialStatus } from './set-credential-status.ts';

/** Suspends the credential at `index` (reinstateCredential lifts it). */
export function suspendCredential(
  transport: Transport,
  { index, ...parameters }: CredentialStatusEntryParameters,
): Promise<TransactionResult> {
  return setCredentialStatus(transport, {
    ...parameters,
    changes: [{ index, status: 'suspended' }],
  });
}
