import type { TemplateRecord } from '../../../ledger/registries/template-registry.ts';
import type { Transport } from '../transport.ts';

/** A credential template with its issuer: the latest version, or `version`. */
export function getTemplate(
  transport: Transport,
  id: string,
  version?: number,
): Promise<TemplateRecord> {
  return transport.getTemplate(id, version);
}
