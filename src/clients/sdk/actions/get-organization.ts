import type { OrganizationRecord } from '../../../ledger/registries/organization-registry.ts';
import type { Transport } from '../transport.ts';

/** An organization by its unified social credit code; `notFound` if never registered. */
export function getOrganization(transport: Transport, uscc: string): Promise<OrganizationRecord> {
  return transport.getOrganization(uscc);
}
