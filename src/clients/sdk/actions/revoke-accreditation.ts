import type { Transport } from '../transport.ts';
import type { TransactionResult } from '../types.ts';
import type { SetAccreditationStatusParameters } from './set-accreditation-status.ts';
import { setAccreditationStatus } from './set-accreditation-status.ts';

/** Revokes an accreditation for good. */
export function revokeAccreditation(
  transport: Transport,
  parameters: Omit<SetAccreditationStatusParameters, 'status'>,
): Promise<TransactionResult> {
  return setAccreditationStatus(transport, { ...parameters, status: 'revoked' });
}
