import type {
  RealNameBinding,
  RealNameRegistration,
} from '../../ledger/registries/real-name-registry.ts';
import type { DisclosureOrder } from '../../ledger/registries/disclosure-order-registry.ts';
import type { DidResolutionResult, ResolutionOptions } from '../../core/did/index.ts';
import type { Block } from '../../ledger/block.ts';
import type { BatchEntryStatus, SubmitStatus } from '../../ledger/ledger-node.ts';
import type { DeviceRecord } from '../../ledger/registries/device-registry.ts';
import type { DevicePage } from '../../services/registry-queries/device-query.ts';
import type { DeviceChallenge } from '../../core/device-auth/challenge-response.ts';
import type {
  AuthenticatedDevice,
  DeviceExpectation,
} from '../../services/device-auth/device-authenticator.ts';
import type { Transaction } from '../../ledger/transaction.ts';
import type { StateProofBundle } from '../../ledger/proofs/state-proof.ts';
import type { GovernanceConfig } from '../../ledger/registries/governance-registry.ts';
import type { Accreditation, Role } from '../../ledger/registries/trust-registry.ts';
import type { TemplateRecord } from '../../ledger/registries/template-registry.ts';
import type { OrganizationRecord } from '../../ledger/registries/organization-registry.ts';
import type { ApplicationStanding } from '../../ledger/registries/application-registry.ts';
import type {
  BlocklistStatus,
  TrustCheckAnswer,
  TrustCheckQuery,
} from '../../services/registry-queries/trust-queries.ts';
import type {
  StatusEntryView,
  StatusListView,
} from '../../services/registry-queries/status-list-query.ts';
import type { ConsentGrant } from '../../ledger/registries/consent-registry.ts';
import type { AuditAnchor } from '../../ledger/registries/audit-anchor-registry.ts';
import type {
  ConsentCheckQuery,
  ConsentDecision,
  ConsentPage,
} from '../../services/registry-queries/consent-query.ts';

/** A transaction's status as a node reports it, with its id. */
export type TransactionStatus = { id: string } & SubmitStatus;

/** What `GET /v1/status` answers. */
export type { NodeStatus } from '../../services/node/node-status.ts';
import type { NodeStatus } from '../../services/node/node-status.ts';

export interface SubmitTransactionOptions {
  /** Wait until the transaction's block commits (default false: return once accepted). */
  wait?: boolean;
  /** With `wait`: also wait until a quorum of operators signed the block (`wait=final`). */
  final?: boolean;
  /** Longest wait in ms when `wait` is set (the node's default otherwise). */
  timeoutMs?: number;
}

/**
 * How the SDK talks to a node. Every action is written against this interface only, so the
 * same action runs over HTTP (`httpTransport`) or in the same process (`inProcessTransport`).
 * Failures are `DdiError`s with the node's code: a transaction rejected while waiting throws,
 * an unknown transaction or DID is `notFound`.
 */
export interface Transport {
  /** Short name for messages ("http", "in-process"). */
  readonly kind: string;
  /** Submits a signed transaction; with `wait`, resolves once it is committed. */
  submit(tx: Transaction, options?: SubmitTransactionOptions): Promise<TransactionStatus>;
  /** Status of a transaction this node knows; `notFound` otherwise. */
  txStatus(id: string): Promise<TransactionStatus>;
  /** DID Resolution (a deactivated DID resolves, with `deactivated: true` in its metadata). */
  resolve(did: string, options?: ResolutionOptions): Promise<DidResolutionResult>;
  /** A block by height, or the head. */
  getBlock(height: number | 'latest'): Promise<Block>;
  /** The node's network and head of chain. */
  status(): Promise<NodeStatus>;
  /** The regulator's DID, governance keys and threshold. */
  getGovernance(): Promise<GovernanceConfig>;
  /** One accreditation with its history; `notFound` if none has this id. */
  getAccreditation(id: string): Promise<Accreditation>;
  /** The accreditations a DID holds, in one role or in all. */
  listAccreditations(query: { subject: string; role?: Role }): Promise<Accreditation[]>;
  /** The verifier's question (`GET /v1/trust/check`): at an ISO time, a block height, or now. */
  checkAccreditation(query: TrustCheckQuery): Promise<TrustCheckAnswer>;
  /** A DID's blocklist history; `notFound` if it was never listed. */
  getBlocklistEntry(did: string): Promise<BlocklistStatus>;
  /** A credential template: the latest version, or `version`. */
  getTemplate(id: string, version?: number): Promise<TemplateRecord>;
  /** An organization by unified social credit code. */
  getOrganization(uscc: string): Promise<OrganizationRecord>;
  /** The organization whose primary DID `did` is. */
  getOrganizationOfDid(did: string): Promise<OrganizationRecord>;
  /** A person's real-name binding by the agencies' keyed commitment. */
  getRealNameBinding(commitment: string): Promise<RealNameBinding>;
  /** The real-name binding of a DID. */
  getRealNameRegistration(did: string): Promise<RealNameRegistration>;
  /** A regulator's disclosure order. */
  getDisclosureOrder(orderId: string): Promise<DisclosureOrder>;
  /** A registered application and whether it may sign people in now; `notFound` otherwise. */
  getApplication(did: string): Promise<ApplicationStanding>;
  /** A DID's record with Merkle proofs against the node's signed head (for light clients). */
  proveDidRecord(did: string): Promise<{ did: string; proof: StateProofBundle }>;
  /** The trust check with proofs of every registry entry it read (for light clients). */
  proveTrustCheck(
    query: TrustCheckQuery,
  ): Promise<{ answer: TrustCheckAnswer; proof: StateProofBundle }>;
  /** An issuer's status list as an unsigned Token Status List; `notFound` if there is none. */
  getStatusList(owner: string, listId: string): Promise<StatusListView>;
  /** One entry's status; `malformed` (reason RANGE_ERROR) outside the list. */
  getStatusEntry(owner: string, listId: string, index: number): Promise<StatusEntryView>;
  /** One entry with proofs of the list's record and the entry's page (for light clients). */
  proveStatusEntry(
    owner: string,
    listId: string,
    index: number,
  ): Promise<{ entry: StatusEntryView; proof: StateProofBundle }>;
  /** One data authorization grant; `notFound` if none has this id. */
  getConsent(grantId: string): Promise<ConsentGrant>;
  /** A page of the grants a DID made (grantor) or received (grantee), newest first. */
  listConsents(query: {
    grantor?: string;
    grantee?: string;
    limit?: number;
    cursor?: number;
  }): Promise<ConsentPage>;
  /** The data holder's question (`/v1/consents/check`): may the grantee use this data now? */
  checkConsent(query: ConsentCheckQuery): Promise<ConsentDecision>;
  /** A data holder's latest access log anchor, or the one at `sequence`; `notFound` if none. */
  getAuditAnchor(holder: string, logId: string, sequence?: number): Promise<AuditAnchor>;

  /** Submits up to 2,000 transactions in one request; one result per entry, in order. */
  submitBatch(
    txs: Transaction[],
    options?: { wait?: boolean; timeoutMs?: number },
  ): Promise<BatchEntryStatus[]>;
  /** A device as `controller` registered it; `notFound` if it did not. */
  getDevice(controller: string, device: string): Promise<DeviceRecord>;
  /** A page of the devices `controller` registered. */
  listDevices(
    controller: string,
    options?: { after?: string; limit?: number },
  ): Promise<DevicePage>;
  /** A fresh device-authentication challenge from the node, for `audience`. */
  deviceChallenge(audience: string): Promise<DeviceChallenge>;
  /** The node's check of a device's signed answer to one of its challenges. */
  verifyDeviceResponse(response: string, expect: DeviceExpectation): Promise<AuthenticatedDevice>;
}
