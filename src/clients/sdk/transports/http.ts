import type {
  RealNameBinding,
  RealNameRegistration,
} from '../../../ledger/registries/real-name-registry.ts';
import type { DisclosureOrder } from '../../../ledger/registries/disclosure-order-registry.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import type { DidResolutionResult, ResolutionOptions } from '../../../core/did/index.ts';
import type { Block } from '../../../ledger/block.ts';
import type { Transaction } from '../../../ledger/transaction.ts';
import type { StateProofBundle } from '../../../ledger/proofs/state-proof.ts';
import type { GovernanceConfig } from '../../../ledger/registries/governance-registry.ts';
import type { Accreditation } from '../../../ledger/registries/trust-registry.ts';
import type { TemplateRecord } from '../../../ledger/registries/template-registry.ts';
import type { OrganizationRecord } from '../../../ledger/registries/organization-registry.ts';
import type { ApplicationStanding } from '../../../ledger/registries/application-registry.ts';
import type {
  BlocklistStatus,
  TrustCheckAnswer,
} from '../../../services/registry-queries/trust-queries.ts';
import type {
  StatusEntryView,
  StatusListView,
} from '../../../services/registry-queries/status-list-query.ts';
import type { ConsentGrant } from '../../../ledger/registries/consent-registry.ts';
import type { AuditAnchor } from '../../../ledger/registries/audit-anchor-registry.ts';
import type {
  ConsentDecision,
  ConsentPage,
} from '../../../services/registry-queries/consent-query.ts';
import type {
  NodeStatus,
  SubmitTransactionOptions,
  Transport,
  TransactionStatus,
} from '../transport.ts';
import { checkBlockHeight } from '../lib/block-height.ts';
import type { BatchEntryStatus } from '../../../ledger/ledger-node.ts';
import type { DeviceRecord } from '../../../ledger/registries/device-registry.ts';
import type { DevicePage } from '../../../services/registry-queries/device-query.ts';
import type { DeviceChallenge } from '../../../core/device-auth/challenge-response.ts';
import type { AuthenticatedDevice } from '../../../services/device-auth/device-authenticator.ts';

export interface HttpTransportOptions {
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Longest time one request may take, in ms (default 60 s; a waited submit gets its own timeout on top). */
  timeoutMs?: number;
  /** Extra request headers (e.g. an authorization header in front of a node). */
  headers?: Record<string, string>;
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/** A transport that calls a node's HTTP API (`/v1/...`, `/1.0/identifiers/...`). */
export function httpTransport(baseUrl: string, options: HttpTransportOptions = {}): Transport {
  let base: URL;
  try {
    base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    throw new DdiError(ErrorCode.Malformed, `not a node URL: ${baseUrl}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new DdiError(ErrorCode.Malformed, `node URL must be http(s): ${baseUrl}`);
  }
  const doFetch = options.fetch ?? globalThis.fetch;
  const defaultTimeout = options.timeoutMs ?? 60_000;

  async function request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    timeoutMs = defaultTimeout,
    alsoOk: number[] = [],
  ): Promise<{ status: number; body: T }> {
    // Relative to the base so a node mounted under a path prefix still works.
    const url = new URL(path, base);
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const name = (err as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new DdiError(
          ErrorCode.Timeout,
          `${method} ${url.pathname} took longer than ${timeoutMs} ms`,
        );
      }
      const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
      throw new DdiError(
        ErrorCode.Unavailable,
        `cannot reach the ddi node at ${base.origin}: ${cause?.code ?? cause?.message ?? String(err)}`,
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length ? JSON.parse(text) : undefined;
    } catch {
      throw new DdiError(
        response.ok ? ErrorCode.Internal : codeForStatus(response.status),
        `${method} ${url.pathname} answered ${response.status} with a body that is not JSON`,
      );
    }
    const errorBody = parsed as
      { code?: unknown; message?: unknown; details?: unknown } | undefined;
    // Error bodies are {code, message, details?}; resolution errors add DID Resolution fields.
    const ok = response.ok || alsoOk.includes(response.status);
    if (!ok || typeof errorBody?.code === 'string') {
      const code =
        typeof errorBody?.code === 'string' && KNOWN_CODES.has(errorBody.code)
          ? (errorBody.code as ErrorCode)
          : codeForStatus(response.status);
      const message =
        typeof errorBody?.message === 'string'
          ? errorBody.message
          : `${method} ${url.pathname} failed with HTTP ${response.status}`;
      const details =
        typeof errorBody?.details === 'object' && errorBody.details !== null
          ? (errorBody.details as Record<string, unknown>)
          : undefined;
      throw new DdiError(code, message, details);
    }
    return { status: response.status, body: parsed as T };
  }

  return {
    kind: 'http',
    async submit(tx: Transaction, submitOptions: SubmitTransactionOptions = {}) {
      const query = new URLSearchParams();
      if (submitOptions.wait) query.set('wait', submitOptions.final ? 'final' : 'true');
      if (submitOptions.timeoutMs !== undefined)
        query.set('timeoutMs', String(submitOptions.timeoutMs));
      const path = `v1/transactions${query.size ? `?${query}` : ''}`;
      // The node waits up to its own timeout for the block; give the request room beyond that.
      const timeout = submitOptions.wait
        ? Math.max(defaultTimeout, (submitOptions.timeoutMs ?? 30_000) + 10_000)
        : defaultTimeout;
      return (await request<TransactionStatus>('POST', path, tx, timeout)).body;
    },
    async txStatus(id: string) {
      if (!/^[0-9a-f]{64}$/.test(id)) {
        throw new DdiError(ErrorCode.Malformed, 'a transaction id is 64 lowercase hex digits');
      }
      return (await request<TransactionStatus>('GET', `v1/transactions/${id}`)).body;
    },
    async resolve(did: string, resolutionOptions: ResolutionOptions = {}) {
      const query = new URLSearchParams();
      if (resolutionOptions.versionId !== undefined)
        query.set('versionId', resolutionOptions.versionId);
      if (resolutionOptions.versionTime !== undefined) {
        query.set('versionTime', resolutionOptions.versionTime);
      }
      const path = `1.0/identifiers/${encodeURIComponent(did)}${query.size ? `?${query}` : ''}`;
      // 200, or 410 Gone for a deactivated DID: both carry a resolution result.
      return (await request<DidResolutionResult>('GET', path, undefined, defaultTimeout, [410]))
        .body;
    },
    async getBlock(height: number | 'latest') {
      checkBlockHeight(height);
      return (await request<Block>('GET', `v1/blocks/${height}`)).body;
    },
    async status() {
      return (await request<NodeStatus>('GET', 'v1/status')).body;
    },
    async getGovernance() {
      return (await request<GovernanceConfig>('GET', 'v1/governance')).body;
    },
    async getAccreditation(id: string) {
      const path = `v1/trust/accreditations/${segment(id, 'id')}`;
      return (await request<Accreditation>('GET', path)).body;
    },
    async listAccreditations(query) {
      const path = `v1/trust/accreditations?${queryString(query)}`;
      return (await request<{ accreditations: Accreditation[] }>('GET', path)).body.accreditations;
    },
    async checkAccreditation(query) {
      const path = `v1/trust/check?${queryString(query)}`;
      return (await request<TrustCheckAnswer>('GET', path)).body;
    },
    async proveDidRecord(did: string) {
      const path = `v1/proofs/identifiers/${segment(did, 'did')}`;
      return (await request<{ did: string; proof: StateProofBundle }>('GET', path)).body;
    },
    async proveTrustCheck(query) {
      const path = `v1/proofs/trust/check?${queryString(query)}`;
      return (await request<{ answer: TrustCheckAnswer; proof: StateProofBundle }>('GET', path))
        .body;
    },
    async getBlocklistEntry(did: string) {
      const path = `v1/trust/blocklist/${segment(did, 'did')}`;
      return (await request<BlocklistStatus>('GET', path)).body;
    },
    async getTemplate(id: string, version?: number) {
      const path =
        version === undefined
          ? `v1/templates/${segment(id, 'id')}`
          : `v1/templates/${segment(id, 'id')}/versions/${segment(String(version), 'version')}`;
      return (await request<TemplateRecord>('GET', path)).body;
    },
    async getOrganization(uscc: string) {
      const path = `v1/organizations/${segment(uscc, 'uscc')}`;
      return (await request<OrganizationRecord>('GET', path)).body;
    },
    async getOrganizationOfDid(did: string) {
      return (await request<OrganizationRecord>('GET', `v1/organizations?${queryString({ did })}`))
        .body;
    },
    async getRealNameBinding(commitment: string) {
      const path = `v1/real-name/commitments/${segment(commitment, 'commitment')}`;
      return (await request<RealNameBinding>('GET', path)).body;
    },
    async getRealNameRegistration(did: string) {
      return (await request<RealNameRegistration>('GET', `v1/real-name?${queryString({ did })}`))
        .body;
    },
    async getDisclosureOrder(orderId: string) {
      const path = `v1/disclosure-orders/${segment(orderId, 'orderId')}`;
      return (await request<DisclosureOrder>('GET', path)).body;
    },
    async getApplication(did: string) {
      const path = `v1/applications/${segment(did, 'did')}`;
      return (await request<ApplicationStanding>('GET', path)).body;
    },
    async getStatusList(owner: string, listId: string) {
      const path = `v1/status-lists/${segment(owner, 'owner')}/${segment(listId, 'listId')}`;
      return (await request<StatusListView>('GET', path)).body;
    },
    async getStatusEntry(owner: string, listId: string, index: number) {
      const path = `v1/status-lists/${segment(owner, 'owner')}/${segment(listId, 'listId')}/entries/${segment(String(index), 'index')}`;
      return (await request<StatusEntryView>('GET', path)).body;
    },
    async proveStatusEntry(owner: string, listId: string, index: number) {
      const path = `v1/proofs/status-lists/${segment(owner, 'owner')}/${segment(listId, 'listId')}/entries/${segment(String(index), 'index')}`;
      return (await request<{ entry: StatusEntryView; proof: StateProofBundle }>('GET', path)).body;
    },
    async getConsent(grantId: string) {
      return (await request<ConsentGrant>('GET', `v1/consents/${segment(grantId, 'grantId')}`))
        .body;
    },
    async listConsents(query) {
      return (await request<ConsentPage>('GET', `v1/consents?${queryString(query)}`)).body;
    },
    async checkConsent(query) {
      // POST: the question (who, whose data, what for) stays out of URLs and access logs.
      return (await request<ConsentDecision>('POST', 'v1/consents/check', query)).body;
    },
    async getAuditAnchor(holder: string, logId: string, sequence?: number) {
      const path = `v1/audit-anchors/${segment(holder, 'holder')}/${segment(logId, 'logId')}`;
      const query = sequence === undefined ? '' : `?${queryString({ sequence })}`;
      return (await request<AuditAnchor>('GET', path + query)).body;
    },
    async submitBatch(txs: Transaction[], batchOptions = {}) {
      const query = new URLSearchParams();
      if (batchOptions.wait) query.set('wait', 'true');
      if (batchOptions.timeoutMs !== undefined)
        query.set('timeoutMs', String(batchOptions.timeoutMs));
      const path = `v1/transactions/batch${query.size ? `?${query}` : ''}`;
      const timeout = batchOptions.wait
        ? Math.max(defaultTimeout, (batchOptions.timeoutMs ?? 30_000) + 30_000)
        : defaultTimeout;
      return (
        await request<{ results: BatchEntryStatus[] }>('POST', path, { transactions: txs }, timeout)
      ).body.results;
    },
    async getDevice(controller: string, device: string) {
      const path = `v1/devices/${segment(device, 'device')}?${queryString({ controller })}`;
      return (await request<DeviceRecord>('GET', path)).body;
    },
    async listDevices(controller: string, page = {}) {
      const path = `v1/devices?${queryString({ controller, ...page })}`;
      return (await request<DevicePage>('GET', path)).body;
    },
    async deviceChallenge(audience: string) {
      return (await request<DeviceChallenge>('POST', 'v1/device-auth/challenges', { audience }))
        .body;
    },
    async verifyDeviceResponse(response: string, expect) {
      return (
        await request<AuthenticatedDevice>('POST', 'v1/device-auth/verify', {
          response,
          audience: expect.audience,
          nonce: expect.nonce,
          controller: expect.controller,
        })
      ).body;
    },
  };
}

/**
 * A path segment. An empty one would change the route (and answer `notFound`), so it is
 * refused here as the node refuses a missing value: `malformed`.
 */
function segment(value: string, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new DdiError(ErrorCode.Malformed, `${field} is required`, { field });
  }
  return encodeURIComponent(value);
}

/** A query string of the defined values (numbers as decimal strings). */
function queryString(values: object): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) query.set(key, String(value));
  }
  return query;
}

/** The code for an error answer that did not name one (a proxy in front of the node, say). */
function codeForStatus(status: number): ErrorCode {
  if (status === 404) return ErrorCode.NotFound;
  if (status === 401 || status === 403) return ErrorCode.Unauthorized;
  if (status === 413) return ErrorCode.TooLarge;
  if (status === 503 || status === 502) return ErrorCode.Unavailable;
  if (status === 504) return ErrorCode.Timeout;
  if (status >= 400 && status < 500) return ErrorCode.Malformed;
  return ErrorCode.Internal;
}
