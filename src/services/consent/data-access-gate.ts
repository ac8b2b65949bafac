import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { AccessLogEntry } from '../../core/consent/access-log-chain.ts';
import type { ConsentCheckQuery, ConsentDecision } from '../registry-queries/consent-query.ts';
import type { AccessLog } from './access-log.ts';

/**
 * What the gate asks the ledger. The SDK's client (`createClient(httpTransport(url))`) has
 * this method; the gate takes the interface because services never import clients.
 */
export interface ConsentLedger {
  checkConsent(query: ConsentCheckQuery): Promise<ConsentDecision>;
}

/** An application's request for a person's data, as the data holder receives it. */
export interface AccessRequest {
  /** Whose data. */
  grantor: string;
  /** Who asks. */
  grantee: string;
  scope: string;
  purpose?: string;
  /** The grant the application names, if it names one. */
  grantId?: string;
}

/** The gate's answer: the ledger's decision (or why it could not be had) and its log entry. */
export interface GateDecision {
  allowed: boolean;
  /** Why refused: a ledger reason (revoked, expired, …), or `malformed` / `checkFailed`. */
  reason?: string;
  decision?: ConsentDecision;
  entry: AccessLogEntry;
}

/**
 * A data holder's gate: every request is checked against the grants on the ledger and the
 * decision — allowed or refused — is logged before anything is released. It fails closed: a
 * request the ledger cannot answer is refused and logged as such.
 */
export class DataAccessGate {
  constructor(
    private readonly ledger: ConsentLedger,
    private readonly log: AccessLog,
    private readonly now: () => number = Date.now,
  ) {}

  /** Checks and logs one request; never throws for a refusal. */
  async check(request: AccessRequest): Promise<GateDecision> {
    const time = this.now();
    let decision: ConsentDecision | undefined;
    let reason: string | undefined;
    try {
      decision = await this.ledger.checkConsent({
        grantor: request.grantor,
        grantee: request.grantee,
        scope: request.scope,
        at: new Date(time).toISOString(),
        ...(request.purpose === undefined ? {} : { purpose: request.purpose }),
        ...(request.grantId === undefined ? {} : { grantId: request.grantId }),
      });
      reason = decision.allowed ? undefined : decision.reason;
    } catch (err) {
      // A request the ledger calls malformed is refused as such; anything else (node down,
      // timeout) is a refusal too: no answer, no data.
      reason =
        err instanceof DdiError && err.code === ErrorCode.Malformed ? 'malformed' : 'checkFailed';
    }
    const allowed = decision?.allowed === true;
    const entry = this.log.append({
      time,
      grantId: request.grantId ?? decision?.grant?.grantId ?? null,
      grantor: request.grantor,
      grantee: request.grantee,
      scope: request.scope,
      purpose: request.purpose ?? null,
      decision: allowed ? 'allowed' : 'refused',
      reason: reason ?? null,
    });
    return {
      allowed,
      ...(reason === undefined ? {} : { reason }),
      ...(decision ? { decision } : {}),
      entry,
    };
  }

  /**
   * Checks, logs, and only when allowed calls `read` for the data. A refusal throws
   * `unauthorized` with the reason and the log entry's sequence number.
   */
  async release<T>(request: AccessRequest, read: () => T | Promise<T>): Promise<T> {
    const result = await this.check(request);
    if (!result.allowed) {
      throw new DdiError(
        ErrorCode.Unauthorized,
        `access to ${request.scope} data of ${request.grantor} refused: ${result.reason}`,
        { reason: result.reason, sequence: result.entry.sequence },
      );
    }
    return read();
  }
}
