import type { OrganizationRecord } from '../../../ledger/registries/organization-registry.ts';
import type { Transport } from '../transport.ts';

/** The organization whose primary DID `did` is; `notFound` if it is none's. */
export function getOrganizationOfDid(
  transport: Transport,
  did: string,
): Promise<OrganizationRecord> {
  return transport.getOrganizationOfDid(did);
}
