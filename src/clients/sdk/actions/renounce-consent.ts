import { signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult } from '../types.ts';
import type { EndConsentParameters } from './revoke-consent.ts';

/** The grantee gives up a grant it no longer needs, for good (`consent.renounce`). */
export async function renounceConsent(
  transport: Transport,
  parameters: EndConsentParameters,
): Promise<TransactionResult> {
  const tx = await signRegistryTransaction(
    transport,
    'consent.renounce',
    { grantId: parameters.grantId, reason: parameters.reason },
    parameters.signer,
  );
  return submitSigned(transport, tx, parameters);
}
