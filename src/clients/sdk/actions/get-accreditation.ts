import type { Accreditation } from '../../../ledger/registries/trust-registry.ts';
import type { Transport } from '../transport.ts';

/** One accreditation with its status history; `notFound` if none has this id. */
export function getAccreditation(transport: Transport, id: string): Promise<Accreditation> {
  return transport.getAccreditation(id);
}
