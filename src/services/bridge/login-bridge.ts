import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Provider from 'oidc-provider';
import type { Adapter, AdapterPayload, KoaContextWithOIDC } from 'oidc-provider';
import { isDdiDid } from '../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { JwsSigner } from '../../core/credentials/jws/index.ts';
import type { VerificationContext } from '../../core/credentials/verification/index.ts';
import type { ApplicationStanding } from '../../ledger/registries/application-registry.ts';
import { httpStatusFor, toDdiError } from '../http/error-status.ts';
import { LoginVerifier } from '../login/login-verifier.ts';
import { acceptFormBodies, loginVerifierRoutes } from '../login/login-routes.ts';
import {
  DEFAULT_SCOPE_CLAIMS,
  claimsForScopes,
  loginDcqlQuery,
  scopesForClaims,
} from './claim-catalogue.ts';
import { errorPage, interactionPage } from './interaction-page.ts';
import type { SignInMode } from './interaction-page.ts';
import { ExpiringMap } from './expiring-map.ts';
import { memoryStoreFor } from './memory-store.ts';
import { pairwiseSubject } from './pairwise-subject.ts';

/** What the bridge reads from the ledger: the application registry (the SDK client has it). */
export interface BridgeLedger {
  getApplication(did: string): Promise<ApplicationStanding>;
}

export interface LoginBridgeOptions {
  /** The bridge's own DID: a registered application whose redirect URIs hold `<url>/openid4vp/response`. */
  bridgeDid: string;
  /** A key of that DID (authentication or assertionMethod): signs the OpenID4VP requests. */
  signingKey: { kid: string; signer: JwsSigner };
  ledger: BridgeLedger;
  /** The ledger's answers for credential verification. */
  verification: VerificationContext;
  /** Keys the pairwise `sub`s (32 random bytes; keep it: changing it changes every `sub`). */
  pairwiseSecret: Uint8Array;
  /** Credential types (`vct`) whose claims the bridge accepts, e.g. the real-name certificate's. */
  credentialTypes: string[];
  /** Scope → claims it releases (default: real_name_verified, age_over_18, profile → name). */
  scopeClaims?: Record<string, string[]>;
  /** The public URL (the OpenID issuer); default http://<host>:<port>. */
  publicUrl?: string;
  host?: string;
  /** 0 (default): a free port. */
  port?: number;
  /** Keys that sign the bridge's cookies (default: random per start). */
  cookieKeys?: string[];
  /** How long a wallet has to answer, ms (default 5 minutes). */
  requestTtlMs?: number;
  /** Caps on what the bridge keeps in memory (defaults far above real load). */
  limits?: BridgeLimits;
}

/**
 * The bridge keeps in memory what anyone's authorization request creates; each kind is
 * capped (oldest dropped first) and swept of expired entries every `sweepIntervalMs`.
 */
export interface BridgeLimits {
  /** oidc-provider's artifacts: sessions, interactions, codes, tokens, grants. */
  maxEntries?: number;
  /** Sign-in pages waiting for a wallet, and the bridge's wallet requests. */
  maxPending?: number;
  /** Released claims kept for the grants of the last hour. */
  maxReleased?: number;
  sweepIntervalMs?: number;
}

export interface RunningBridge {
  /** The OpenID issuer URL applications discover (`/.well-known/openid-configuration`). */
  url: string;
  /** The bridge's OpenID4VP client_id (`decentralized_identifier:<bridge DID>`). */
  walletClientId: string;
  close(): Promise<void>;
}

/** Paths served by the bridge itself; everything else is oidc-provider's. */
const OWN_PATHS = ['/interaction/', '/openid4vp/'];
const SESSION_TTL_SECONDS = 3600;
const DEFAULT_MAX_PENDING = 10_000;

/**
 * An OpenID Connect provider (oidc-provider: authorization code + PKCE, ID tokens) whose users
 * sign in with their ddi wallet. Clients are applications of the ledger's registry (client_id =
 * the application's DID, redirect URIs as registered, refused while unregistered, suspended or
 * unaccredited where required). The sign-in is an OpenID4VP + SIOPv2 request by the bridge —
 * itself a registered application — naming the client it asks for; `sub` is pairwise per
 * client; claims are those the person consented to in the wallet and disclosed.
 */
export async function startLoginBridge(options: LoginBridgeOptions): Promise<RunningBridge> {
  const catalogue = options.scopeClaims ?? DEFAULT_SCOPE_CLAIMS;
  if (options.credentialTypes.length === 0) {
    throw new DdiError(ErrorCode.Malformed, 'name at least one accepted credential type');
  }
  const outer = createServer();
  await new Promise<void>((resolve, reject) => {
    outer.once('error', reject);
    outer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = outer.address() as AddressInfo;
  const url = (
    options.publicUrl ?? `http://${options.host ?? '127.0.0.1'}:${address.port}`
  ).replace(/\/$/, '');

  // --- the wallet side: an OpenID4VP verifier --------------------------------------------
  const limits = options.limits ?? {};
  const verifier = new LoginVerifier({
    clientDid: options.bridgeDid,
    signingKey: options.signingKey,
    requestUriBase: `${url}/openid4vp/request`,
    responseUri: `${url}/openid4vp/response`,
    context: options.verification,
    ...(options.requestTtlMs !== undefined ? { requestTtlMs: options.requestTtlMs } : {}),
    maxRequests: limits.maxPending ?? DEFAULT_MAX_PENDING,
  });
  /** Interaction uid → the login request shown on its page. */
  const pending = new ExpiringMap<string, { state: string; clientId: string; mode: SignInMode }>({
    maxSize: limits.maxPending ?? DEFAULT_MAX_PENDING,
  });
  /** Grant id → the claims the holder released with that grant (one sign-in's consent). */
  const released = new ExpiringMap<string, Record<string, unknown>>({
    maxSize: limits.maxReleased ?? DEFAULT_MAX_PENDING,
  });

  // --- the application side: an OpenID Connect provider ----------------------------------
  const store = memoryStoreFor(
    limits.maxEntries !== undefined ? { maxEntries: limits.maxEntries } : {},
  );
  const MemoryStore = store.Store;
  const sweeper = setInterval(() => {
    store.sweep();
    pending.sweep();
    released.sweep();
  }, limits.sweepIntervalMs ?? 60_000);
  sweeper.unref(); // never what keeps the process alive
  const ledger = options.ledger;
  class BridgeAdapter implements Adapter {
    private readonly memory: Adapter;
    constructor(private readonly name: string) {
      this.memory = new MemoryStore(name);
    }
    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.name !== 'Client') return this.memory.find(id);
      return clientMetadata(ledger, id);
    }
    upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
      return this.memory.upsert(id, payload, expiresIn);
    }
    findByUid(uid: string) {
      return this.memory.findByUid(uid);
    }
    findByUserCode(code: string) {
      return this.memory.findByUserCode(code);
    }
    consume(id: string) {
      return this.memory.consume(id);
    }
    destroy(id: string) {
      return this.memory.destroy(id);
    }
    revokeByGrantId(grantId: string) {
      return this.memory.revokeByGrantId(grantId);
    }
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const idTokenKey = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig' };
  const provider = new Provider(url, {
    adapter: BridgeAdapter,
    clients: [],
    jwks: { keys: [idTokenKey] },
    cookies: { keys: options.cookieKeys ?? [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], ...catalogue },
    scopes: ['openid', ...Object.keys(catalogue)],
    // The consented claims go in the ID token itself: an application needs nothing else.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    subjectTypes: ['pairwise'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: 'ES256',
      subject_type: 'pairwise',
    },
    ttl: {
      Session: SESSION_TTL_SECONDS,
      Grant: SESSION_TTL_SECONDS,
      Interaction: 600,
      AuthorizationCode: 60,
      AccessToken: 600,
      IdToken: 600,
    },
    pairwiseIdentifier: (_ctx: KoaContextWithOIDC, accountId: string, client) =>
      pairwiseSubject(options.pairwiseSecret, client.clientId, accountId),
    // The token (authorization code, access token) names the grant of one sign-in: its claims
    // are what the person consented to then, not at some other sign-in to the same application.
    findAccount: (_ctx: KoaContextWithOIDC, holder: string, token?: { grantId?: string }) => ({
      accountId: holder,
      async claims() {
        const claims = token?.grantId === undefined ? undefined : released.get(token.grantId);
        return { sub: holder, ...(claims ?? {}) };
      },
    }),
    renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = errorPage('Sign-in refused', `${out.error}: ${out.error_description ?? ''}`);
    },
  });
  const oidc = provider.callback();

  // --- the bridge's own pages and OpenID4VP endpoints ------------------------------------
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  acceptFormBodies(app);
  app.setErrorHandler((err, _request, reply) => {
    const error = toDdiError(err);
    reply.code(httpStatusFor(error.code)).send(error.toJSON());
  });
  loginVerifierRoutes(app, verifier, {
    requestPath: '/openid4vp/request',
    responsePath: '/openid4vp/response',
  });

  /**
   * Shows the sign-in page: same-device (the default: a link the wallet on this device opens,
   * which brings the browser back with a one-time response_code) or cross-device (a QR code,
   * the page polls and finishes by itself). Each showing is a new OpenID4VP request.
   */
  async function showSignIn(
    request: FastifyRequest,
    reply: FastifyReply,
    mode: SignInMode,
  ): Promise<string> {
    const details = await provider.interactionDetails(request.raw, reply.raw);
    const clientId = details.params.client_id as string;
    const standing = await ledger.getApplication(clientId);
    const claims = claimsForScopes((details.params.scope as string) ?? 'openid', catalogue);
    const created = verifier.createRequest({
      dcqlQuery: loginDcqlQuery(claims, options.credentialTypes),
      relyingParty: clientId,
      ...(mode === 'same-device'
        ? { redirectUri: `${url}/interaction/${details.uid}/finish` }
        : {}),
    });
    pending.set(details.uid, { state: created.state, clientId, mode }, created.expiresAt);
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
    return interactionPage({
      uid: details.uid,
      mode,
      applicationName: standing.application.name,
      applicationDid: clientId,
      claims,
      walletUri: created.walletUri,
    });
  }

  app.get<{ Params: { uid: string } }>('/interaction/:uid', (request, reply) =>
    showSignIn(request, reply, 'same-device'),
  );
  app.get<{ Params: { uid: string } }>('/interaction/:uid/cross-device', (request, reply) =>
    showSignIn(request, reply, 'cross-device'),
  );

  app.get<{ Params: { uid: string } }>('/interaction/:uid/status', async (request, reply) => {
    const entry = pending.get(request.params.uid);
    if (!entry) throw new DdiError(ErrorCode.NotFound, 'no sign-in is waiting here');
    const outcome = verifier.outcome(entry.state);
    reply.header('cache-control', 'no-store');
    return outcome.status === 'failed'
      ? { status: 'failed', code: outcome.error.code, message: outcome.error.message }
      : { status: outcome.status };
  });

  app.get<{ Params: { uid: string }; Querystring: { response_code?: string } }>(
    '/interaction/:uid/finish',
    async (request, reply) => {
      // interactionDetails checks the interaction cookie: only the browser that started finishes.
      const details = await provider.interactionDetails(request.raw, reply.raw);
      const entry = pending.get(details.uid);
      const outcome = entry ? verifier.outcome(entry.state) : undefined;
      if (!entry || outcome?.status !== 'done' || entry.clientId !== details.params.client_id) {
        reply.code(400).type('text/html; charset=utf-8');
        return errorPage(
          'Sign-in not finished',
          outcome?.status === 'failed' ? outcome.error.message : 'the wallet has not answered',
        );
      }
      // Same-device, the browser must also bring the response_code the wallet was given: a
      // browser whose sign-in link was relayed to someone else's wallet never sees it.
      if (
        entry.mode === 'same-device' &&
        !verifier.redeemResponseCode(entry.state, request.query.response_code)
      ) {
        reply.code(400).type('text/html; charset=utf-8');
        return errorPage(
          'Sign-in not finished',
          'this browser did not come back from the wallet that answered (response_code missing or wrong)',
        );
      }
      pending.delete(details.uid);
      const { holder, claims } = outcome.result;
      const grant = new provider.Grant({ accountId: holder, clientId: entry.clientId });
      const granted = ['openid', ...scopesForClaims(Object.keys(claims), catalogue)];
      grant.addOIDCScope(granted.join(' '));
      // Scopes asked for but not consented are recorded as refused, so the provider does not ask again.
      const refused = (details.params.scope ?? '')
        .split(' ')
        .filter((scope) => scope in catalogue && !granted.includes(scope));
      if (refused.length) grant.rejectOIDCScope(refused.join(' '));
      const grantId = await grant.save();
      released.set(grantId, claims, Date.now() + SESSION_TTL_SECONDS * 1000);
      reply.hijack();
      await provider.interactionFinished(
        request.raw,
        reply.raw,
        { login: { accountId: holder }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    },
  );
  await app.ready();

  outer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (OWN_PATHS.some((p) => req.url?.startsWith(p))) app.server.emit('request', req, res);
    else oidc(req, res);
  });
  return {
    url,
    walletClientId: verifier.clientId,
    async close() {
      clearInterval(sweeper);
      outer.closeAllConnections();
      await new Promise<void>((resolve) => outer.close(() => resolve()));
      await app.close();
    },
  };
}

/** oidc-provider client metadata from the ledger's application registry (undefined: refused). */
async function clientMetadata(
  ledger: BridgeLedger,
  clientId: string,
): Promise<AdapterPayload | undefined> {
  if (!isDdiDid(clientId)) return undefined;
  let standing: ApplicationStanding;
  try {
    standing = await ledger.getApplication(clientId);
  } catch (err) {
    if (err instanceof DdiError && err.code === ErrorCode.NotFound) return undefined;
    throw err;
  }
  // Suspended, DID deactivated, or unaccredited where required: as good as unregistered.
  if (!standing.mayAuthenticate) return undefined;
  return {
    client_id: clientId,
    client_name: standing.application.name,
    redirect_uris: standing.application.redirectUris,
  };
}
