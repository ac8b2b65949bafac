import type { DidResolutionResult } from '../../core/did/index.ts';
import type { StatusListView } from '../registry-queries/status-list-query.ts';
import type { TemplateRecord } from '../../ledger/registries/template-registry.ts';
import type { TrustCheckAnswer } from '../registry-queries/trust-queries.ts';

/**
 * What the issuer reads from a ddi node. The SDK's client (`createClient(httpTransport(url))`)
 * has exactly these methods; the service takes the interface because services never import
 * clients.
 */
export interface IssuerLedger {
  /** A template's latest version (the ledger refuses unknown ids with `notFound`). */
  getTemplate(id: string): Promise<TemplateRecord>;
  /** Whether `subject` holds `role` for `credentialType` now. */
  checkAccreditation(query: {
    subject: string;
    role: 'credentialIssuer';
    credentialType: string;
  }): Promise<TrustCheckAnswer>;
  /** Current DID resolution, for key proofs whose `kid` is a did:ddi URL. */
  resolveDid(did: string): Promise<DidResolutionResult>;
  /** A status list with its entries (needed when the issuer runs its own status list). */
  getStatusList?(owner: string, listId: string): Promise<StatusListView>;
}
