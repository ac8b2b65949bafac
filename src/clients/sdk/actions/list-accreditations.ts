import type { Accreditation, Role } from '../../../ledger/registries/trust-registry.ts';
import type { Transport } from '../transport.ts';

/** The accreditations a DID holds, in one role or in all, oldest first. */
export function listAccreditations(
  transport: Transport,
  query: { subject: string; role?: Role },
): Promise<Accreditation[]> {
  return transport.listAccreditations(query);
}
