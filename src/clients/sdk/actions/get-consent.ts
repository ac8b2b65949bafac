import type { ConsentGrant } from '../../../ledger/registries/consent-registry.ts';
import type { Transport } from '../transport.ts';

/** One data authorization grant, with how it ended if it did; `notFound` if none has this id. */
export function getConsent(transport: Transport, grantId: string): Promise<ConsentGrant> {
  return transport.getConsent(grantId);
}
