import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { AccessLogEntry } from '../../core/consent/access-log-chain.ts';
import type { DeviceChallenge as Challenge } from '../../core/device-auth/challenge-response.ts';
import type { ConsentCheckQuery, ConsentDecision } from '../registry-queries/consent-query.ts';
import { verifyDidAuthProof } from '../did-auth/did-auth-proof.ts';
import type { ResolveDid } from '../did-auth/authentication-key.ts';
import { ChallengeStore } from '../device-auth/challenge-store.ts';
import type { AccessLog } from './access-log.ts';

/**
 * What the gate asks the ledger. The SDK's client (`createClient(httpTransport(url))`) has
 * these methods; the gate takes the interface because services never import clients.
 */
export interface ConsentLedger {
  checkConsent(query: ConsentCheckQuery): Promise<ConsentDecision>;
  /** To find the grantee's authentication key for its proof. */
  resolveDid: ResolveDid;
}

/** An application's request for a person's data, as the data holder receives it. */
export interface AccessRequest {
  /** Whose data. */
  grantor: string;
  /** Who asks: the DID the `proof` must be by. */
  grantee: string;
  /**
   * The grantee's DID authentication proof (compact JWS, `typ` ddi-auth+jwt, see
   * `signDidAuthProof`) over a challenge from `gate.challenge()`, with `aud` = the holder's
   * DID. Grants and their ids are public, so naming a grant proves nothing: without the
   * grantee's proof anyone could ask under it.
   */
  proof: string;
  scope: string;
  purpose?: string;
  /** The grant the application names, if it names one. */
  grantId?: string;
}

/** The gate's answer: the ledger's decision (or why it could not be had) and its log entry. */
export interface GateDecision {
  allowed: boolean;
  /**
   * Why refused: `unauthenticated` (no valid proof by the grantee), a ledger reason
   * (revoked, expired, …), or `malformed` / `checkFailed`.
   */
  reason?: string;
  decision?: ConsentDecision;
  entry: AccessLogEntry;
}

export interface DataAccessGateOptions {
  /** The clock (ms); a parameter so that tests never wait. */
  now?: () => number;
  /** How long a challenge may be answered, in ms (default 2 minutes). */
  challengeTtlMs?: number;
  /** Most challenges outstanding at once (default 10,000); beyond it `unavailable`. */
  challengeCapacity?: number;
}

/**
 * A data holder's gate: every request is authenticated (the grantee's DID proof over a
 * challenge the gate issued), checked against the grants on the ledger, and the decision —
 * allowed or refused — is logged before anything is released. It fails closed: a request
 * that is not the grantee's own, or that the ledger cannot answer, is refused and logged.
 */
export class DataAccessGate {
  private readonly challenges: ChallengeStore;
  private readonly now: () => number;

  constructor(
    private readonly ledger: ConsentLedger,
    private readonly log: AccessLog,
    options: DataAccessGateOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.challenges = new ChallengeStore({
      now: this.now,
      ...(options.challengeTtlMs === undefined ? {} : { ttlMs: options.challengeTtlMs }),
      // One audience (the holder), so the store's per-audience cap is the gate's whole cap.
      capacity: options.challengeCapacity ?? 10_000,
      audienceCapacity: options.challengeCapacity ?? 10_000,
    });
  }

  /** The audience of the grantees' proofs: the holder's DID (the log's holder). */
  get audience(): string {
    return this.log.id.holder;
  }

  /** A fresh single-use challenge for a grantee to sign (its `audience` is the holder's DID). */
  challenge(): Challenge {
    return this.challenges.issue(this.audience);
  }

  /** The DID that signed `proof` over one of this gate's live challenges; throws if none did. */
  private async authenticate(proof: unknown, time: number): Promise<string> {
    const { did } = await verifyDidAuthProof(proof, {
      audience: this.audience,
      resolveDid: (did) => this.ledger.resolveDid(did),
      consumeNonce: (nonce) => {
        try {
          this.challenges.consume(nonce);
          return true;
        } catch {
          return false;
        }
      },
      now: Math.floor(time / 1000),
    });
    return did;
  }

  /** Authenticates, checks and logs one request; never throws for a refusal. */
  async check(request: AccessRequest): Promise<GateDecision> {
    const time = this.now();
    let decision: ConsentDecision | undefined;
    let reason: string | undefined;
    const grantee = await this.authenticate(request.proof, time).catch((err: unknown) => {
      // A node that cannot resolve the grantee's DID is a failed check, not a bad proof.
      reason =
        err instanceof DdiError && err.code === ErrorCode.Unavailable
          ? 'checkFailed'
          : 'unauthenticated';
      return undefined;
    });
    if (grantee !== request.grantee) {
      // Not the grantee's own request: refused before the ledger is asked, and logged.
      reason ??= 'unauthenticated';
    } else {
      decision = await this.askLedger(request).catch((err: unknown) => {
        // A request the ledger calls malformed is refused as such; anything else (node down,
        // timeout) is a refusal too: no answer, no data.
        reason =
          err instanceof DdiError && err.code === ErrorCode.Malformed ? 'malformed' : 'checkFailed';
        return undefined;
      });
      if (decision && !decision.allowed) reason = decision.reason;
    }
    // Every attempt is logged, the malformed ones too: fields the log cannot take as they
    // are (not text, empty, too long) are replaced by a marker, and such a request is refused.
    const fields = {
      grantId: fieldForLog(request.grantId ?? decision?.grant?.grantId, true),
      grantor: fieldForLog(request.grantor, false),
      grantee: fieldForLog(request.grantee, false),
      scope: fieldForLog(request.scope, false),
      purpose: fieldForLog(request.purpose, true),
    };
    if (Object.values(fields).some((f) => f.replaced)) {
      decision = undefined;
      if (reason === undefined || reason === 'checkFailed') reason = 'malformed';
    }
    const allowed = decision?.allowed === true;
    const entry = this.log.append({
      time,
      grantId: fields.grantId.text,
      grantor: fields.grantor.text!,
      grantee: fields.grantee.text!,
      scope: fields.scope.text!,
      purpose: fields.purpose.text,
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

  private askLedger(request: AccessRequest): Promise<ConsentDecision> {
    return this.ledger.checkConsent({
      grantor: request.grantor,
      grantee: request.grantee,
      scope: request.scope,
      // No `at`: a check of now, so a grant revoked in a block is refused at once, even when
      // this holder's clock is behind the block's time.
      ...(request.purpose === undefined ? {} : { purpose: request.purpose }),
      ...(request.grantId === undefined ? {} : { grantId: request.grantId }),
    });
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

/** Longest field the access log takes (`AccessLog`'s limit). */
const MAX_LOGGED_FIELD = 512;

/**
 * A request field as the access log can hold it: text of 1-512 characters kept as is;
 * anything else replaced by a marker saying what it was (a too-long text keeps its start).
 */
function fieldForLog(
  value: unknown,
  nullable: boolean,
): { text: string | null; replaced: boolean } {
  if (value === undefined || value === null) {
    return nullable ? { text: null, replaced: false } : { text: '[missing]', replaced: true };
  }
  if (typeof value !== 'string') return { text: `[not text: ${typeof value}]`, replaced: true };
  if (value.length === 0) return { text: '[empty]', replaced: true };
  if (value.length > MAX_LOGGED_FIELD) {
    return { text: `${value.slice(0, 448)}…[${value.length} characters]`, replaced: true };
  }
  return { text: value, replaced: false };
}
