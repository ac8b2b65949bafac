import type { Transport } from '../transport.ts';
import type { TransactionResult } from '../types.ts';
import type { CredentialStatusEntryParameters } from './set-credential-status.ts';
import { setCredentialStatus } from './set-credential-status.ts';

/** Revokes the credential at `index` for good (revocation is final). */
export function revokeCredential(
  transport: Transport,
  { index, ...parameters }: CredentialStatusEntryParameters,
): Promise<TransactionResult> {
  return setCredentialStatus(transport, { ...parameters, changes: [{ index, status: 'revoked' }] });
}
