import { randomBytes } from 'node:crypto';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import {
  verifySdJwtVcPresentation,
  verifyVpJwtPresentation,
} from '../../core/credentials/verification/index.ts';
import type { Verdict, VerificationContext } from '../../core/credentials/verification/index.ts';
import { parseDcqlQuery } from '../../core/credentials/dcql/index.ts';

/** A presentation request: what the holder's wallet must answer (OpenID4VP's nonce, client_id, DCQL). */
export interface PresentationRequest {
  nonce: string;
  client_id: string;
  dcql_query?: unknown;
  /** ms since the epoch. */
  expiresAt: number;
}

export interface PresentationVerifierOptions {
  /** This verifier's identifier: the audience presentations must name. */
  clientId: string;
  /** How long a request (its nonce) stays answerable, ms (default 5 minutes). */
  requestTtlMs?: number;
  now?: () => number;
}

/**
 * Issues presentation requests and verifies the answers. Every nonce is random, expires and
 * is consumed by the first presentation that uses it, so a captured presentation cannot be
 * replayed (reason `nonceUnknown` once used or never issued, `nonceExpired` when late).
 */
export class PresentationVerifier {
  private readonly requests = new Map<string, PresentationRequest>();
  private readonly now: () => number;

  constructor(
    private readonly context: VerificationContext,
    private readonly options: PresentationVerifierOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** A new request; `dcqlQuery` says which credentials and claims the verifier wants. */
  createRequest(dcqlQuery?: unknown): PresentationRequest {
    if (dcqlQuery !== undefined) parseDcqlQuery(dcqlQuery);
    this.sweep();
    const request: PresentationRequest = {
      nonce: randomBytes(18).toString('base64url'),
      client_id: this.options.clientId,
      ...(dcqlQuery !== undefined ? { dcql_query: dcqlQuery } : {}),
      expiresAt: this.now() + (this.options.requestTtlMs ?? 5 * 60_000),
    };
    this.requests.set(request.nonce, request);
    return request;
  }

  /** Verifies one presentation (`dc+sd-jwt` or `jwt_vc_json`) made for a request's nonce. */
  async verify(input: {
    nonce: string;
    format: 'dc+sd-jwt' | 'jwt_vc_json';
    presentation: string;
  }): Promise<Verdict> {
    if (typeof input.presentation !== 'string' || input.presentation.length > 512 * 1024) {
      throw new DdiError(
        ErrorCode.Malformed,
        'presentation must be a compact string of at most 512 KiB',
      );
    }
    const request = this.requests.get(input.nonce);
    this.requests.delete(input.nonce); // single use, whatever the outcome
    const now = this.now();
    const expect = { audience: this.options.clientId, nonce: input.nonce, now };
    let verdict: Verdict;
    if (input.format === 'dc+sd-jwt')
      verdict = await verifySdJwtVcPresentation(input.presentation, expect, this.context);
    else if (input.format === 'jwt_vc_json')
      verdict = await verifyVpJwtPresentation(input.presentation, expect, this.context);
    else throw new DdiError(ErrorCode.Malformed, `unsupported format ${String(input.format)}`);
    if (!request || request.expiresAt < now) {
      const reason = request ? 'nonceExpired' : 'nonceUnknown';
      verdict.checks.unshift({ check: 'holderBinding', ok: false, reason });
      verdict.reasons.unshift(reason);
      verdict.verified = false;
    }
    return verdict;
  }

  private sweep(): void {
    const now = this.now();
    for (const [nonce, request] of this.requests)
      if (request.expiresAt < now) this.requests.delete(nonce);
  }
}
