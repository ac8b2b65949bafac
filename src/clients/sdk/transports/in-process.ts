import {
  disclosureOrderById,
  realNameBindingByCommitment,
  realNameRegistrationByDid,
} from '../../../services/registry-queries/real-name-query.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import type { ResolutionOptions } from '../../../core/did/index.ts';
import type { LedgerNode } from '../../../ledger/ledger-node.ts';
import type { Transaction } from '../../../ledger/transaction.ts';
import { resolveDid } from '../../../services/resolver/resolve-did.ts';
import { nodeStatus } from '../../../services/node/node-status.ts';
import {
  proveDidRecord,
  proveStatusEntry,
  proveTrustCheck,
} from '../../../services/proofs/proven-queries.ts';
import {
  statusEntry,
  statusListView,
} from '../../../services/registry-queries/status-list-query.ts';
import { governanceConfig } from '../../../services/registry-queries/governance-query.ts';
import {
  accreditationById,
  accreditationsOf,
  blocklistStatus,
  checkTrust,
} from '../../../services/registry-queries/trust-queries.ts';
import { templateRecord } from '../../../services/registry-queries/template-query.ts';
import {
  organizationByCode,
  organizationByDid,
} from '../../../services/registry-queries/organization-query.ts';
import {
  auditAnchorOf,
  consentById,
  consentDecision,
  consentsOf,
} from '../../../services/registry-queries/consent-query.ts';
import { applicationByDid } from '../../../services/registry-queries/application-query.ts';
import type { SubmitTransactionOptions, Transport } from '../transport.ts';
import { checkBlockHeight } from '../lib/block-height.ts';
import { deviceOf, devicesOf } from '../../../services/registry-queries/device-query.ts';
import { DeviceAuthenticator } from '../../../services/device-auth/device-authenticator.ts';

/**
 * A transport that calls a LedgerNode in the same process: for tests and for embedding a
 * node in an application. It answers exactly as the HTTP API would (same errors, same shapes).
 */
export function inProcessTransport(node: LedgerNode): Transport {
  const startedAt = Date.now();
  const deviceAuthenticator = new DeviceAuthenticator(node.ledger.state);
  return {
    kind: 'in-process',
    async submit(tx: Transaction, options: SubmitTransactionOptions = {}) {
      // A JSON round trip, as over the wire: the caller's object is not shared with the ledger.
      const result = await node.submit(JSON.parse(JSON.stringify(tx)), {
        wait: options.wait ?? false,
        final: options.final ?? false,
        timeoutMs: options.timeoutMs,
      });
      if (result.status === 'rejected') {
        throw new DdiError(result.code as ErrorCode, result.message, { id: result.id });
      }
      return result;
    },
    async txStatus(id: string) {
      const status = node.status(id);
      if (status.status === 'unknown') {
        throw new DdiError(ErrorCode.NotFound, `transaction ${id} is not known to this node`);
      }
      return { id, ...status };
    },
    async resolve(did: string, options: ResolutionOptions = {}) {
      return resolveDid(node.ledger, did, options);
    },
    async getBlock(height: number | 'latest') {
      checkBlockHeight(height);
      return node.ledger.blockAt(height);
    },
    async status() {
      return nodeStatus(node.ledger, startedAt, node);
    },
    // The registry reads call the functions the HTTP routes call.
    async getGovernance() {
      return governanceConfig(node.ledger);
    },
    async getAccreditation(id: string) {
      return accreditationById(node.ledger, id);
    },
    async listAccreditations(query) {
      return accreditationsOf(node.ledger, query);
    },
    async checkAccreditation(query) {
      return checkTrust(node.ledger, query);
    },
    async proveDidRecord(did: string) {
      return JSON.parse(JSON.stringify(proveDidRecord(node.ledger, did)));
    },
    async proveTrustCheck(query) {
      return JSON.parse(JSON.stringify(proveTrustCheck(node.ledger, query)));
    },
    async getBlocklistEntry(did: string) {
      return blocklistStatus(node.ledger, did);
    },
    async getTemplate(id: string, version?: number) {
      return templateRecord(node.ledger, id, version);
    },
    async getOrganization(uscc: string) {
      return organizationByCode(node.ledger, uscc);
    },
    async getOrganizationOfDid(did: string) {
      return organizationByDid(node.ledger, did);
    },
    async getRealNameBinding(commitment: string) {
      return realNameBindingByCommitment(node.ledger, commitment);
    },
    async getRealNameRegistration(did: string) {
      return realNameRegistrationByDid(node.ledger, did);
    },
    async getDisclosureOrder(orderId: string) {
      return disclosureOrderById(node.ledger, orderId);
    },
    async getApplication(did: string) {
      return applicationByDid(node.ledger, did);
    },
    async getStatusList(owner: string, listId: string) {
      return statusListView(node.ledger, owner, listId);
    },
    async getStatusEntry(owner: string, listId: string, index: number) {
      return statusEntry(node.ledger.state, owner, listId, index);
    },
    async proveStatusEntry(owner: string, listId: string, index: number) {
      return JSON.parse(JSON.stringify(proveStatusEntry(node.ledger, owner, listId, index)));
    },
    async getConsent(grantId: string) {
      return consentById(node.ledger, grantId);
    },
    async listConsents(query) {
      return consentsOf(node.ledger, query);
    },
    async checkConsent(query) {
      return consentDecision(node.ledger, query);
    },
    async getAuditAnchor(holder: string, logId: string, sequence?: number) {
      return auditAnchorOf(node.ledger, holder, logId, sequence);
    },
    async submitBatch(txs: Transaction[], options = {}) {
      return node.submitBatch(JSON.parse(JSON.stringify(txs)), {
        wait: options.wait ?? false,
        timeoutMs: options.timeoutMs,
      });
    },
    async getDevice(controller: string, device: string) {
      return deviceOf(node.ledger, controller, device);
    },
    async listDevices(controller: string, page = {}) {
      return devicesOf(node.ledger, controller, page);
    },
    async deviceChallenge(audience: string) {
      return deviceAuthenticator.issueChallenge(audience);
    },
    async verifyDeviceResponse(response: string, expect) {
      return deviceAuthenticator.verify(response, expect);
    },
  };
}
