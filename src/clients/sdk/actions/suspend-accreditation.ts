import type { Transport } from '../transport.ts';
import type { TransactionResult } from '../types.ts';
import type { SetAccreditationStatusParameters } from './set-accreditation-status.ts';
import { setAccreditationStatus } from './set-accreditation-status.ts';

/** Suspends an accreditation (reinstate it later, or revoke it). */
export function suspendAccreditation(
  transport: Transport,
  parameters: Omit<SetAccreditationStatusParameters, 'status'>,
): Promise<TransactionResult> {
  return setAccreditationStatus(transport, { ...parameters, status: 'suspended' });
}
