import type { ApplicationStanding } from '../../../ledger/registries/application-registry.ts';
import type { Transport } from '../transport.ts';

/** A registered application and whether it may sign people in now; `notFound` if unregistered. */
export function getApplication(transport: Transport, did: string): Promise<ApplicationStanding> {
  return transport.getApplication(did);
}
