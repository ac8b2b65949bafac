import type { BlocklistStatus } from '../../../services/registry-queries/trust-queries.ts';
import type { Transport } from '../transport.ts';

/** A DID's blocklist history and whether it is listed now; `notFound` if never listed. */
export function getBlocklistEntry(transport: Transport, did: string): Promise<BlocklistStatus> {
  return transport.getBlocklistEntry(did);
}
