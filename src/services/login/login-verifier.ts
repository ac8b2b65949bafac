import { randomBytes, timingSafeEqual } from 'node:crypto';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import { parseDcqlQuery } from '../../core/credentials/dcql/index.ts';
import type { DcqlQuery } from '../../core/credentials/dcql/index.ts';
import type { JwsSigner, JwsVerificationKey } from '../../core/credentials/jws/index.ts';
import { decodeSdJwt } from '../../core/credentials/sd-jwt/index.ts';
import { verifySdJwtVcPresentation } from '../../core/credentials/verification/index.ts';
import type { Verdict, VerificationContext } from '../../core/credentials/verification/index.ts';
import { publicKeyFromJwk } from '../../core/keys/index.ts';
import type { Jwk } from '../../core/keys/index.ts';
import {
  LOGIN_RESPONSE_TYPE,
  SELF_ISSUED_AUDIENCE,
  didClientId,
  signLoginRequest,
  verifySelfIssuedIdToken,
} from '../../core/login/index.ts';
import type { LoginRequestClaims } from '../../core/login/index.ts';

export interface LoginVerifierOptions {
  /** The relying party's DID: a registered application whose key signs the requests. */
  clientDid: string;
  signingKey: { kid: string; signer: JwsSigner };
  /** Where wallets fetch request objects: `${requestUriBase}/${id}`. */
  requestUriBase: string;
  /** Where wallets post responses (direct_post); registered among the application's redirect URIs. */
  responseUri: string;
  /** The ledger's answers for credential verification (issuer keys, accreditation, status). */
  context: VerificationContext;
  /** How long a request stays answerable, ms (default 5 minutes). */
  requestTtlMs?: number;
  /** At most this many requests kept (default 10 000): past it, the oldest is dropped. */
  maxRequests?: number;
  now?: () => number;
}

/** What a relying party learns from a successful login. */
export interface LoginResult {
  state: string;
  /** The holder's DID (from the self-issued ID token, bound to every presented credential). */
  holder: string;
  /** Disclosed claims the request asked for, by name; nothing else. */
  claims: Record<string, unknown>;
  /** The credentials' verdicts (issuer, type, every check). */
  verdicts: Verdict[];
}

export interface CreatedLoginRequest {
  id: string;
  state: string;
  nonce: string;
  /** The wallet's entry point (QR code, link): `openid4vp://?client_id=…&request_uri=…`. */
  walletUri: string;
  requestUri: string;
  expiresAt: number;
}

interface Session {
  id: string;
  claims: LoginRequestClaims;
  jwt: string;
  expiresAt: number;
  /** Same-device: where the wallet sends the person's browser after answering. */
  redirectUri?: string;
  /** Same-device: the one-time `response_code` added to `redirectUri` once the answer passed. */
  responseCode?: string;
  outcome?: { result: LoginResult } | { error: DdiError };
  consumed: boolean;
}

/** Members of the SD-JWT VC envelope: never released as claims of the person. */
const ENVELOPE = new Set(['iss', 'sub', 'iat', 'exp', 'nbf', 'vct', 'cnf', 'status', 'jti', 'aud']);
const MAX_RESPONSE_PART = 512 * 1024;

const refuse = (reason: string, message: string): never => {
  throw new DdiError(ErrorCode.InvalidCredential, message, { reason });
};

/**
 * A login's DCQL query: SD-JWT VCs only (the one format that discloses claim by claim), each
 * naming the credential types it accepts (`meta.vct_values`), which answers are checked against.
 */
function loginQuery(input: unknown): DcqlQuery {
  const query = parseDcqlQuery(input);
  for (const c of query.credentials) {
    if (c.format !== 'dc+sd-jwt') {
      throw new DdiError(ErrorCode.Malformed, 'a login asks for dc+sd-jwt credentials only', {
        field: `credentials.${c.id}.format`,
      });
    }
    // parseDcqlQuery already requires a non-empty meta.vct_values of a dc+sd-jwt query.
  }
  return query;
}

/**
 * A relying party's side of native login — OpenID4VP 1.0 with SIOPv2 over `direct_post`:
 * signed request objects (client_id `decentralized_identifier:<DID>`), then checks of the
 * wallet's answer: the state names a live request (`requestExpired` when late), used once
 * (`replay` for a second answer), an ID token for this client and nonce, credentials whose
 * key-binding names this client and nonce and whose holder key is the ID token's.
 */
export class LoginVerifier {
  readonly clientId: string;
  private readonly byState = new Map<string, Session>();
  private readonly byId = new Map<string, Session>();
  private readonly now: () => number;

  constructor(private readonly options: LoginVerifierOptions) {
    this.clientId = didClientId(options.clientDid);
    this.now = options.now ?? Date.now;
  }

  /** A new login request; `dcqlQuery` names the claims wanted (none: sign-in only). */
  createRequest(
    input: { dcqlQuery?: unknown; relyingParty?: string; redirectUri?: string } = {},
  ): CreatedLoginRequest {
    if (input.dcqlQuery !== undefined) loginQuery(input.dcqlQuery);
    this.sweep();
    // Anyone can make a relying party create requests: bounded, oldest dropped first.
    const max = this.options.maxRequests ?? 10_000;
    for (const [state, oldest] of this.byState) {
      if (this.byState.size < max) break;
      this.byState.delete(state);
      this.byId.delete(oldest.id);
    }
    const now = this.now();
    const expiresAt = now + (this.options.requestTtlMs ?? 5 * 60_000);
    const id = randomBytes(16).toString('base64url');
    const claims: LoginRequestClaims = {
      iss: this.clientId,
      aud: SELF_ISSUED_AUDIENCE,
      client_id: this.clientId,
      response_type: LOGIN_RESPONSE_TYPE,
      response_mode: 'direct_post',
      response_uri: this.options.responseUri,
      scope: 'openid',
      nonce: randomBytes(18).toString('base64url'),
      state: randomBytes(18).toString('base64url'),
      ...(input.dcqlQuery !== undefined ? { dcql_query: input.dcqlQuery } : {}),
      ...(input.relyingParty !== undefined ? { ddi_relying_party: input.relyingParty } : {}),
      iat: Math.floor(now / 1000),
      exp: Math.floor(expiresAt / 1000),
    };
    const session: Session = {
      id,
      claims,
      jwt: signLoginRequest(claims, this.options.signingKey),
      expiresAt,
      ...(input.redirectUri !== undefined ? { redirectUri: input.redirectUri } : {}),
      consumed: false,
    };
    this.byState.set(claims.state, session);
    this.byId.set(id, session);
    const requestUri = `${this.options.requestUriBase}/${id}`;
    const walletUri = `openid4vp://?${new URLSearchParams({ client_id: this.clientId, request_uri: requestUri })}`;
    return { id, state: claims.state, nonce: claims.nonce, walletUri, requestUri, expiresAt };
  }

  /** The signed request object a wallet fetches from `request_uri`. */
  requestObject(id: string): string {
    const session = this.byId.get(id);
    if (!session) throw new DdiError(ErrorCode.NotFound, 'no such login request');
    if (session.expiresAt <= this.now()) refuse('requestExpired', 'the login request has expired');
    return session.jwt;
  }

  /** A request's outcome so far: pending, a result, or the error its answer was refused with. */
  outcome(
    state: string,
  ):
    | { status: 'pending' }
    | { status: 'done'; result: LoginResult }
    | { status: 'failed'; error: DdiError } {
    const session = this.byState.get(state);
    if (!session) throw new DdiError(ErrorCode.NotFound, 'no such login request');
    if (!session.outcome) {
      if (session.expiresAt <= this.now()) {
        return {
          status: 'failed',
          error: new DdiError(ErrorCode.InvalidCredential, 'the login request has expired', {
            reason: 'requestExpired',
          }),
        };
      }
      return { status: 'pending' };
    }
    return 'result' in session.outcome
      ? { status: 'done', result: session.outcome.result }
      : { status: 'failed', error: session.outcome.error };
  }

  /**
   * Checks a wallet's `direct_post` answer ({state, id_token, vp_token}); returns the login and,
   * same-device, where the wallet sends the browser. Any refusal is a DdiError. An answer whose
   * ID token verifies (signature by a key of the holder DID, this client as audience, the
   * request's nonce) consumes the request, whatever its credentials: it is judged once. Garbage
   * posted with a known state consumes nothing, so it cannot spoil the real wallet's answer.
   */
  async handleResponse(
    form: Record<string, unknown>,
  ): Promise<{ result: LoginResult; redirectUri?: string }> {
    const state = form.state;
    if (typeof state !== 'string' || state === '') {
      throw new DdiError(ErrorCode.Malformed, 'the response needs the request state');
    }
    const session = this.byState.get(state);
    if (!session) {
      refuse('unknownState', 'no login request of this relying party has this state');
    }
    const s = session!;
    const replay = () =>
      new DdiError(ErrorCode.Replay, 'this login request was already answered', {
        reason: 'nonceReused',
      });
    if (s.consumed) throw replay();
    if (s.expiresAt <= this.now()) refuse('requestExpired', 'the login request has expired');
    const idToken = await this.verifyIdToken(s, form);
    // Checked again after the await: of two answers verified at once, only one goes on.
    if (s.consumed) throw replay();
    s.consumed = true;
    try {
      const result = await this.verifyCredentials(s, form, idToken);
      s.outcome = { result };
      if (s.redirectUri === undefined) return { result };
      // OpenID4VP §8.2 / §14.2: a fresh response_code only the browser the wallet opens gets,
      // so whoever holds the browser session that started the request cannot finish without it.
      s.responseCode = randomBytes(24).toString('base64url');
      const redirect = new URL(s.redirectUri);
      redirect.searchParams.set('response_code', s.responseCode);
      return { result, redirectUri: redirect.toString() };
    } catch (err) {
      const error = err instanceof DdiError ? err : new DdiError(ErrorCode.Internal, String(err));
      s.outcome = { error };
      throw error;
    }
  }

  /**
   * Whether `code` is the `response_code` given to the wallet with the redirect URI of the
   * request with `state`; each code is redeemed once.
   */
  redeemResponseCode(state: string, code: unknown): boolean {
    const expected = this.byState.get(state)?.responseCode;
    if (expected === undefined || typeof code !== 'string') return false;
    const a = Buffer.from(code);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
    delete this.byState.get(state)!.responseCode;
    return true;
  }

  /** The answer's ID token, verified: who the holder is, and the key that signed. */
  private async verifyIdToken(
    s: Session,
    form: Record<string, unknown>,
  ): Promise<{ holder: string; key: JwsVerificationKey }> {
    const idToken = form.id_token;
    if (typeof idToken !== 'string' || idToken.length > MAX_RESPONSE_PART) {
      throw new DdiError(ErrorCode.Malformed, 'the response needs an id_token');
    }
    const context = this.options.context;
    return verifySelfIssuedIdToken(idToken, {
      audience: this.clientId,
      nonce: s.claims.nonce,
      now: this.now(),
      resolveHolderKey: async (kid) => {
        const found = await context.holderKey(kid);
        if ('error' in found) refuse(found.error, `${kid} is not an authentication key of its DID`);
        return found as Exclude<typeof found, { error: string }>;
      },
    });
  }

  /** The credentials of an answer whose ID token verified, bound to its holder key. */
  private async verifyCredentials(
    s: Session,
    form: Record<string, unknown>,
    { holder, key }: { holder: string; key: JwsVerificationKey },
  ): Promise<LoginResult> {
    const vpTokenText = form.vp_token;
    const now = this.now();
    const context = this.options.context;

    const claims: Record<string, unknown> = {};
    const verdicts: Verdict[] = [];
    if (vpTokenText === undefined) return { state: s.claims.state, holder, claims, verdicts };
    if (s.claims.dcql_query === undefined) {
      throw new DdiError(ErrorCode.Malformed, 'a vp_token answers a request that asked for claims');
    }
    if (typeof vpTokenText !== 'string' || vpTokenText.length > MAX_RESPONSE_PART) {
      throw new DdiError(ErrorCode.Malformed, 'vp_token must be a JSON object (form-encoded)');
    }
    let vpToken: unknown;
    try {
      vpToken = JSON.parse(vpTokenText);
    } catch {
      throw new DdiError(ErrorCode.Malformed, 'vp_token is not JSON');
    }
    const query = loginQuery(s.claims.dcql_query);
    if (typeof vpToken !== 'object' || vpToken === null || Array.isArray(vpToken)) {
      throw new DdiError(
        ErrorCode.Malformed,
        'vp_token maps credential query ids to presentations',
      );
    }
    for (const [queryId, presentations] of Object.entries(vpToken as Record<string, unknown>)) {
      const credentialQuery = query.credentials.find((c) => c.id === queryId);
      if (!credentialQuery)
        throw new DdiError(ErrorCode.Malformed, `no credential query "${queryId}"`);
      if (
        !Array.isArray(presentations) ||
        presentations.length !== 1 ||
        typeof presentations[0] !== 'string'
      ) {
        throw new DdiError(ErrorCode.Malformed, `vp_token.${queryId} must hold one presentation`);
      }
      const presentation = presentations[0];
      const verdict = await verifySdJwtVcPresentation(
        presentation,
        { audience: this.clientId, nonce: s.claims.nonce, now },
        context,
      );
      if (!verdict.verified) {
        throw new DdiError(
          ErrorCode.InvalidCredential,
          `the presented credential fails: ${verdict.reasons.join(', ')}`,
          {
            reason: verdict.reasons[0],
            reasons: verdict.reasons,
          },
        );
      }
      // The credential must be of a type the query asked for: another credential's claim of the
      // same name (a self-declared age on a loyalty card, say) does not say the same thing.
      if (verdict.format !== credentialQuery.format) {
        refuse('formatMismatch', `the presented credential is not ${credentialQuery.format}`);
      }
      if (
        verdict.credentialType === undefined ||
        !(credentialQuery.meta.vct_values ?? []).includes(verdict.credentialType)
      ) {
        refuse(
          'credentialTypeNotRequested',
          `the presented credential is a ${verdict.credentialType ?? 'credential of no type'}, not one the request asked for`,
        );
      }
      // The credential's holder key must be the key that signed the ID token: one person.
      const cnf = decodeSdJwt(presentation).signedPayload.cnf as { jwk?: Jwk } | undefined;
      let bound = false;
      try {
        const holderKey = cnf?.jwk ? publicKeyFromJwk(cnf.jwk) : undefined;
        bound =
          holderKey !== undefined &&
          holderKey.type === key.type &&
          Buffer.from(holderKey.publicKey).equals(Buffer.from(key.publicKey));
      } catch {
        bound = false;
      }
      if (!bound)
        refuse('holderMismatch', 'the credential is bound to another key than the ID token');
      verdicts.push(verdict);
      // Only what was asked for, even if the wallet disclosed more.
      const asked = new Set((credentialQuery.claims ?? []).map((c) => String(c.path[0])));
      for (const [name, value] of Object.entries(verdict.claims ?? {})) {
        if (!ENVELOPE.has(name) && asked.has(name)) claims[name] = value;
      }
    }
    return { state: s.claims.state, holder, claims, verdicts };
  }

  private sweep(): void {
    const now = this.now();
    // Kept a while after expiry, so a late or replayed answer is told why, not "unknown".
    for (const [state, session] of this.byState) {
      if (session.expiresAt + 10 * 60_000 < now) {
        this.byState.delete(state);
        this.byId.delete(session.id);
      }
    }
  }
}
