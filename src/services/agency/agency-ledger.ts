import type { OrganizationKind } from '../../core/org/organization-kind.ts';
import type { CredentialTemplate } from '../../core/templates/credential-template.ts';
import type { DisclosureOrder } from '../../ledger/registries/disclosure-order-registry.ts';
import type { OrganizationRecord } from '../../ledger/registries/organization-registry.ts';
import type {
  RealNameBinding,
  RealNameRegistration,
} from '../../ledger/registries/real-name-registry.ts';
import type { IssuerLedger } from '../issuer/issuer-ledger.ts';

/**
 * What the agency reads from a ddi node. The SDK's client has exactly these methods (services
 * never import clients, so the service names the interface and the CLI passes the client).
 * Lookups of something absent throw DdiError `notFound`.
 */
export interface AgencyLedger extends IssuerLedger {
  getRealNameBinding(commitment: string): Promise<RealNameBinding>;
  getRealNameRegistration(did: string): Promise<RealNameRegistration>;
  getDisclosureOrder(orderId: string): Promise<DisclosureOrder>;
  getOrganization(uscc: string): Promise<OrganizationRecord>;
}

/**
 * What the agency writes, each signed with its own DID key and waited for until committed
 * (the caller binds the key: the service never holds more than this interface).
 */
export interface AgencyLedgerWriter {
  registerTemplate(template: CredentialTemplate): Promise<void>;
  registerRealName(input: {
    commitment: string;
    did: string;
    assurance: 'low' | 'substantial' | 'high';
  }): Promise<void>;
  registerOrganization(input: { uscc: string; did: string; kind: OrganizationKind }): Promise<void>;
  fulfilDisclosure(input: { orderId: string; responseHash: string }): Promise<{ txId: string }>;
  revokeCredential(input: { listId: string; index: number; reason: string }): Promise<void>;
  /** Anchors the head of the agency's access log (`audit.anchor`). */
  anchorAccessLog(input: { logId: string; sequence: number; head: string }): Promise<void>;
}
