import type { StatusListView } from '../../../services/registry-queries/status-list-query.ts';
import type { Transport } from '../transport.ts';

/** An issuer's status list: its record and entries as an unsigned Token Status List. */
export function getStatusList(
  transport: Transport,
  owner: string,
  listId: string,
): Promise<StatusListView> {
  return transport.getStatusList(owner, listId);
}
