import type { AuditAnchor } from '../../../ledger/registries/audit-anchor-registry.ts';
import type { Transport } from '../transport.ts';

/** A data holder's latest access log anchor, or the one at `sequence`; `notFound` if none. */
export function getAuditAnchor(
  transport: Transport,
  holder: string,
  logId: string,
  sequence?: number,
): Promise<AuditAnchor> {
  return transport.getAuditAnchor(holder, logId, sequence);
}
