import type { StatusEntryView } from '../../../services/registry-queries/status-list-query.ts';
import type { Transport } from '../transport.ts';

/** The status of the credential at `index` of an issuer's list: valid, revoked or suspended. */
export function getCredentialStatus(
  transport: Transport,
  owner: string,
  listId: string,
  index: number,
): Promise<StatusEntryView> {
  return transport.getStatusEntry(owner, listId, index);
}
