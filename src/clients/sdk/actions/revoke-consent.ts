import { signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';

export interface EndConsentParameters extends WaitOptions {
  /** Revoke: a key of the grantor. Renounce: a key of the grantee. */
  signer: DidSigner;
  grantId: string;
  /** A short reason code (never personal data). */
  reason?: string;
}

/** The grantor revokes a grant, at any time and for good (`consent.revoke`). */
export async function revokeConsent(
  transport: Transport,
  parameters: EndConsentParameters,
): Promise<TransactionResult> {
  const tx = await signRegistryTransaction(
    transport,
    'consent.revoke',
    { grantId: parameters.grantId, reason: parameters.reason },
    parameters.signer,
  );
  return submitSigned(transport, tx, parameters);
}
