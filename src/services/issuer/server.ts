import { timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import { compileTemplateSchema } from '../../core/templates/credential-template.ts';
import type { CredentialTemplate } from '../../core/templates/credential-template.ts';
import { httpStatusFor, toDdiError } from '../http/error-status.ts';
import { buildCredential } from './credential-builder.ts';
import type { IssuerSigningKey, StatusAllocation } from './credential-builder.ts';
import { GrantStore } from './grant-store.ts';
import type { GrantLifetimes, PendingOffer } from './grant-store.ts';
import type { IssuerLedger } from './issuer-ledger.ts';
import { verifyKeyProof } from './key-proof.ts';
import {
  authorizationServerMetadata,
  configurationId,
  credentialIssuerMetadata,
  ISSUED_FORMATS,
  parseConfigurationId,
} from './metadata.ts';
import { OAuthError } from './oauth-error.ts';
import { credentialOfferUri, PRE_AUTHORIZED_GRANT } from './offer-uri.ts';
import { openIssuerStatusList } from './issuer-status.ts';
import type { IssuerStatusList, IssuerStatusOptions } from './issuer-status.ts';
import { statusListRoute } from './status-list-route.ts';

export interface IssuerServiceOptions {
  /** The issuer's DID: accredited for the templates' types, the `iss` of what it signs. */
  issuerDid: string;
  signingKey: IssuerSigningKey;
  ledger: IssuerLedger;
  /** Ids of the issuer's templates on the ledger that it offers. */
  templateIds: readonly string[];
  /** The bearer token the operator sends to `POST /offers`. */
  operatorToken: string;
  /** Hands out a status list entry per credential (the status service provides it). */
  allocateStatus?: (template: CredentialTemplate) => Promise<StatusAllocation>;
  /**
   * The issuer's own status list: every credential gets a random index in it, and the service
   * serves the list at `GET /status/<listId>`. Ignored when `allocateStatus` is given.
   */
  status?: IssuerStatusOptions;
  /**
   * Called once per credential handed out, after it is signed: what the operator needs to
   * revoke or suspend it later (the status list entry) and which offer it answered.
   */
  onIssued?: (issued: IssuedCredential) => unknown;
  /** Seconds a verifier may cache the served status list (default 60). */
  statusTtlSeconds?: number;
  host?: string;
  /** 0 picks a free port (default 7080). */
  port?: number;
  /** The Credential Issuer Identifier, when the server sits behind a proxy (default http://host:port). */
  publicUrl?: string;
  lifetimes?: GrantLifetimes;
  /** Lifetime of issued credentials in seconds (default one year). */
  validitySeconds?: number;
  logger?: boolean;
  /**
   * Claims of a template that every presentation shows (not selectively disclosable), e.g. a
   * certificate's assurance level. Default: none; every claim is disclosable.
   */
  alwaysDisclosed?: (template: CredentialTemplate) => readonly string[];
  /** Serve `POST /offers` to the operator (default true). */
  operatorOffers?: boolean;
  /** More routes on the same server (an agency's registration API), added before it listens. */
  routes?: (app: FastifyInstance) => void;
}

/** An offer, as the operator makes it over HTTP (`POST /offers`) or in process. */
export interface OfferInput {
  template: string;
  claims: Record<string, unknown>;
  holder?: string;
  txCode?: boolean;
  /** Lifetime of the credential in seconds, when shorter than the issuer's default. */
  validitySeconds?: number;
}

/** A credential the issuer handed out (no claim values: those stay with the holder). */
export interface IssuedCredential {
  offerId: string;
  format: string;
  credentialType: string;
  templateId: string;
  /** The holder DID, when its key proof named a did:ddi key (else only a JWK is bound). */
  holder?: string;
  /** Its status list entry, when the issuer allocates them. */
  status?: StatusAllocation & { listId?: string };
}

/** A running issuer. */
export interface RunningIssuer {
  /** The Credential Issuer Identifier. */
  url: string;
  app: FastifyInstance;
  store: GrantStore;
  /** The issuer's current status list id at start, when it runs its own (`status` option). */
  statusListId?: string;
  /** Its status lists (current and older), when it runs its own. */
  statusList?: IssuerStatusList;
  /** Makes an offer as `POST /offers` does, for an operator in the same process. */
  createOffer(input: OfferInput): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

// SD-JWT VC and JWT names the issuer sets itself; a claim with one of them would be overwritten
// or would make the credential unprocessable.
const RESERVED_CLAIMS = new Set(['iss', 'iat', 'nbf', 'exp', 'vct', 'cnf', 'status', 'sub', 'jti']);
const RESERVED_PREFIX = /^(_sd|_sd_alg|\.\.\.)$/;

const offerBody = {
  type: 'object',
  required: ['template', 'claims'],
  additionalProperties: false,
  properties: {
    template: { type: 'string', minLength: 1, maxLength: 100 },
    claims: { type: 'object' },
    holder: { type: 'string', pattern: '^did:ddi:[A-Za-z0-9]+$', maxLength: 200 },
    txCode: { type: 'boolean' },
  },
} as const;

const oauthErrorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' }, error_description: { type: 'string' } },
} as const;

const ddiErrorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

type OfferBody = Omit<OfferInput, 'validitySeconds'>;

interface TokenBody {
  grant_type: string;
  'pre-authorized_code'?: string;
  tx_code?: string;
}

interface CredentialBody {
  credential_configuration_id?: string;
  credential_identifier?: string;
  proofs?: { jwt?: string[] };
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null;
  return match?.[1];
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Starts an OpenID4VCI 1.0 credential issuer for one DID (pre-authorized code flow): metadata,
 * operator offers, token, nonce and credential endpoints. Issuing refuses claims that fail the
 * template's schema and any credential type the issuer is not accredited for now.
 */
export async function startIssuer(options: IssuerServiceOptions): Promise<RunningIssuer> {
  const store = new GrantStore(options.lifetimes);
  const validitySeconds = options.validitySeconds ?? 365 * 24 * 3600;
  let issuerUrl = options.publicUrl?.replace(/\/$/, '') ?? '';
  let statusList: IssuerStatusList | undefined;
  let allocateStatus:
    ((template: CredentialTemplate) => Promise<IssuedCredential['status']>) | undefined =
    options.allocateStatus;
  if (!allocateStatus && options.status) {
    const getStatusList = options.ledger.getStatusList?.bind(options.ledger);
    if (!getStatusList) {
      throw new DdiError(ErrorCode.Malformed, 'a status list needs a ledger with getStatusList');
    }
    const list = await openIssuerStatusList(options.issuerDid, options.status, getStatusList);
    statusList = list;
    allocateStatus = async () => {
      const { listId, idx } = await list.allocate();
      return { uri: `${issuerUrl}/status/${listId}`, idx, listId };
    };
  }

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 256 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
  });
  // RFC 6749 §4.1.3: token requests are form-encoded.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  app.setErrorHandler((err, request, reply) => {
    void reply.header('cache-control', 'no-store');
    if (err instanceof OAuthError) {
      if (err.status === 401) {
        void reply.header('www-authenticate', `Bearer error="${err.error}"`);
      }
      return reply.code(err.status).send(err.toJSON());
    }
    const path = request.url.split('?')[0];
    // OAuth endpoints answer input errors in OAuth's vocabulary.
    if (path === '/token' || path === '/credential') {
      const error = toDdiError(err);
      if (error.code !== 'internal') {
        const code = path === '/token' ? 'invalid_request' : 'invalid_credential_request';
        return reply.code(400).send(new OAuthError(code, error.message).toJSON());
      }
    }
    const error = toDdiError(err);
    if (error.code === 'internal') app.log.error(err);
    return reply.code(httpStatusFor(error.code)).send(error.toJSON());
  });

  /** The issuer's own templates among those configured, as on the ledger now. */
  async function issuerTemplate(id: string): Promise<CredentialTemplate> {
    if (!options.templateIds.includes(id)) {
      throw new DdiError(ErrorCode.NotFound, `this issuer does not offer template ${id}`);
    }
    const record = await options.ledger.getTemplate(id);
    if (record.issuer !== options.issuerDid) {
      throw new DdiError(
        ErrorCode.Unauthorized,
        `template ${id} was registered by ${record.issuer}, not by ${options.issuerDid}`,
      );
    }
    return record.template;
  }

  async function offeredTemplates(): Promise<CredentialTemplate[]> {
    const out: CredentialTemplate[] = [];
    for (const id of options.templateIds) {
      try {
        out.push(await issuerTemplate(id));
      } catch (err) {
        // A template that is gone or not ours is left out, not an outage of the metadata.
        if (!(err instanceof DdiError) || err.code === 'unavailable') throw err;
      }
    }
    return out;
  }

  async function requireAccredited(template: CredentialTemplate): Promise<string | undefined> {
    const answer = await options.ledger.checkAccreditation({
      subject: options.issuerDid,
      role: 'credentialIssuer',
      credentialType: template.credentialType,
    });
    return answer.accredited ? undefined : (answer.reason ?? 'notAccredited');
  }

  function credentialOffer(offer: PendingOffer): Record<string, unknown> {
    return {
      credential_issuer: issuerUrl,
      credential_configuration_ids: offer.configurationIds,
      grants: {
        [PRE_AUTHORIZED_GRANT]: {
          'pre-authorized_code': offer.preAuthorizedCode,
          ...(offer.txCode !== undefined
            ? {
                tx_code: {
                  input_mode: 'numeric',
                  length: offer.txCode.length,
                  description: 'The code the issuer sent you / 发证方发给您的验证码',
                },
              }
            : {}),
        },
      },
    };
  }

  /** The operator's offer: template ours, claims valid, issuer accredited for the type now. */
  async function createOffer(input: OfferInput): Promise<Record<string, unknown>> {
    const { claims, holder } = input;
    const template = await issuerTemplate(input.template);
    const reserved = Object.keys(claims).filter(
      (name) => RESERVED_CLAIMS.has(name) || RESERVED_PREFIX.test(name),
    );
    if (reserved.length > 0) {
      throw new DdiError(ErrorCode.Malformed, `claims may not be named ${reserved.join(', ')}`, {
        errors: reserved.map((name) => ({ path: `/${name}`, message: 'is a reserved name' })),
      });
    }
    const check = compileTemplateSchema(template)(claims);
    if (!check.valid) {
      throw new DdiError(
        ErrorCode.Malformed,
        `the claims do not match template ${template.id}: ${check.errors
          .map((e) => `${e.path || '/'} ${e.message}`)
          .join('; ')}`,
        { errors: check.errors },
      );
    }
    const refused = await requireAccredited(template);
    if (refused !== undefined) {
      throw new DdiError(
        ErrorCode.Unauthorized,
        `${options.issuerDid} is not accredited to issue ${template.credentialType} (${refused})`,
        { reason: refused },
      );
    }
    const offer = store.createOffer(
      {
        template,
        claims,
        ...(holder !== undefined ? { holder } : {}),
        ...(input.validitySeconds !== undefined
          ? { validitySeconds: Math.min(input.validitySeconds, validitySeconds) }
          : {}),
        configurationIds: ISSUED_FORMATS.map((f) => configurationId(template.id, f)),
      },
      input.txCode === true,
    );
    const url = `${issuerUrl}/offers/${offer.id}`;
    return {
      id: offer.id,
      credential_offer_uri: url,
      offer_uri: credentialOfferUri(url),
      credential_offer: credentialOffer(offer),
      expires_at: new Date(offer.expiresAt).toISOString(),
      ...(offer.txCode !== undefined ? { tx_code: offer.txCode } : {}),
    };
  }

  app.get('/.well-known/openid-credential-issuer', {
    schema: { response: { 200: { type: 'object', additionalProperties: true } } },
    handler: async () =>
      credentialIssuerMetadata(issuerUrl, options.issuerDid, await offeredTemplates()),
  });

  app.get('/.well-known/oauth-authorization-server', {
    schema: { response: { 200: { type: 'object', additionalProperties: true } } },
    handler: async () => authorizationServerMetadata(issuerUrl),
  });

  // An agency makes its offers in process, after its own checks: no operator route then.
  if (options.operatorOffers !== false) {
    app.post<{ Body: OfferBody }>('/offers', {
      schema: {
        body: offerBody,
        response: {
          201: { type: 'object', additionalProperties: true },
          '4xx': ddiErrorSchema,
        },
      },
      handler: async (request, reply) => {
        const token = bearer(request);
        if (token === undefined || !sameSecret(token, options.operatorToken)) {
          throw new DdiError(ErrorCode.Unauthorized, 'offers are made by the issuer operator');
        }
        return reply.code(201).send(await createOffer(request.body));
      },
    });
  }

  app.get<{ Params: { id: string } }>('/offers/:id', {
    schema: {
      params: {
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'string', maxLength: 100 } },
      },
      response: { 200: { type: 'object', additionalProperties: true }, '4xx': ddiErrorSchema },
    },
    handler: async (request, reply) => {
      const offer = store.openOffer(request.params.id);
      if (!offer) throw new DdiError(ErrorCode.NotFound, 'no open offer with this id');
      void reply.header('cache-control', 'no-store');
      return credentialOffer(offer);
    },
  });

  app.post<{ Body: TokenBody }>('/token', {
    schema: {
      body: {
        type: 'object',
        required: ['grant_type'],
        properties: {
          grant_type: { type: 'string' },
          'pre-authorized_code': { type: 'string', maxLength: 200 },
          tx_code: { type: 'string', maxLength: 100 },
        },
      },
      response: {
        200: {
          type: 'object',
          required: ['access_token', 'token_type', 'expires_in'],
          properties: {
            access_token: { type: 'string' },
            token_type: { type: 'string' },
            expires_in: { type: 'integer' },
          },
        },
        '4xx': oauthErrorSchema,
      },
    },
    handler: async (request, reply) => {
      const body = request.body;
      if (body.grant_type !== PRE_AUTHORIZED_GRANT) {
        throw new OAuthError('unsupported_grant_type', `only ${PRE_AUTHORIZED_GRANT} is supported`);
      }
      const code = body['pre-authorized_code'];
      if (code === undefined)
        throw new OAuthError('invalid_request', 'pre-authorized_code is required');
      const result = store.redeemCode(code, body.tx_code);
      if ('reason' in result) throw new OAuthError('invalid_grant', result.reason);
      void reply.header('cache-control', 'no-store');
      return {
        access_token: result.token,
        token_type: 'Bearer',
        expires_in: Math.floor(store.accessTokenMs / 1000),
      };
    },
  });

  app.post('/nonce', {
    schema: {
      response: {
        200: { type: 'object', required: ['c_nonce'], properties: { c_nonce: { type: 'string' } } },
      },
    },
    handler: async (_request, reply) => {
      // OpenID4VCI 1.0 §7.2: the nonce response must not be cached.
      void reply.header('cache-control', 'no-store');
      return { c_nonce: store.createNonce() };
    },
  });

  app.post<{ Body: CredentialBody }>('/credential', {
    schema: {
      body: {
        type: 'object',
        properties: {
          credential_configuration_id: { type: 'string', maxLength: 200 },
          credential_identifier: { type: 'string', maxLength: 200 },
          proofs: {
            type: 'object',
            properties: {
              jwt: { type: 'array', minItems: 1, items: { type: 'string', maxLength: 16384 } },
            },
          },
        },
      },
      response: {
        200: {
          type: 'object',
          required: ['credentials'],
          properties: {
            credentials: {
              type: 'array',
              items: {
                type: 'object',
                required: ['credential'],
                properties: { credential: { type: 'string' } },
              },
            },
          },
        },
        '4xx': oauthErrorSchema,
      },
    },
    handler: async (request, reply) => {
      const accessToken = bearer(request);
      const grant = accessToken === undefined ? undefined : store.accessGrant(accessToken);
      if (!grant || accessToken === undefined) {
        throw new OAuthError(
          'invalid_token',
          'the access token is missing, unknown or expired',
          401,
        );
      }
      const body = request.body;
      if (
        body.credential_identifier !== undefined ||
        body.credential_configuration_id === undefined
      ) {
        // The token response names no credential_identifiers, so only configuration ids apply.
        throw new OAuthError(
          'invalid_credential_request',
          'credential_configuration_id is required (this issuer hands out no credential_identifier)',
        );
      }
      const configId = body.credential_configuration_id;
      const parsed = parseConfigurationId(configId);
      const { offer } = grant;
      if (!parsed || !offer.configurationIds.includes(configId)) {
        throw new OAuthError(
          'unknown_credential_configuration',
          `${configId} is not one of this offer's configurations: ${offer.configurationIds.join(', ')}`,
        );
      }
      const proofs = body.proofs?.jwt;
      if (!proofs) throw new OAuthError('invalid_proof', 'proofs.jwt is required');
      // One offer is one credential: a batch would mint several copies of the same claims.
      if (proofs.length !== 1) throw new OAuthError('invalid_proof', 'send exactly one key proof');
      const holder = await verifyKeyProof(proofs[0]!, {
        audience: issuerUrl,
        consumeNonce: (nonce) => store.consumeNonce(nonce),
        ledger: options.ledger,
      });
      if (offer.holder !== undefined && holder.did !== offer.holder) {
        throw new OAuthError(
          'invalid_proof',
          `this offer is for ${offer.holder}: sign the proof with a key of that DID (kid)`,
        );
      }
      const refused = await requireAccredited(offer.template);
      if (refused !== undefined) {
        throw new OAuthError(
          'credential_request_denied',
          `the issuer is not accredited for ${offer.template.credentialType} now (${refused})`,
        );
      }
      const status = allocateStatus ? await allocateStatus(offer.template) : undefined;
      const credential = buildCredential({
        format: parsed.format,
        issuerDid: options.issuerDid,
        signingKey: options.signingKey,
        template: offer.template,
        claims: offer.claims,
        holder,
        issuedAt: Math.floor(Date.now() / 1000),
        validitySeconds: offer.validitySeconds ?? validitySeconds,
        plainClaims: options.alwaysDisclosed?.(offer.template) ?? [],
        ...(status ? { status: { uri: status.uri, idx: status.idx } } : {}),
      });
      // Before the credential leaves: an operator that must record the entry (an agency) can.
      await options.onIssued?.({
        offerId: offer.id,
        format: parsed.format,
        credentialType: offer.template.credentialType,
        templateId: offer.template.id,
        ...(holder.did !== undefined ? { holder: holder.did } : {}),
        ...(status ? { status } : {}),
      });
      store.spendAccessToken(accessToken);
      void reply.header('cache-control', 'no-store');
      return { credentials: [{ credential }] };
    },
  });

  statusListRoute(app, {
    list: () => statusList,
    issuerDid: options.issuerDid,
    signingKey: options.signingKey,
    issuerUrl: () => issuerUrl,
    ttlSeconds: options.statusTtlSeconds ?? 60,
  });

  options.routes?.(app);

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      code: 'notFound',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    });
  });

  try {
    await app.listen({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 7080,
    });
  } catch (err) {
    statusList?.close();
    throw err;
  }
  if (!issuerUrl) {
    const { port } = app.server.address() as { port: number };
    const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
    issuerUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }
  return {
    url: issuerUrl,
    app,
    store,
    ...(statusList ? { statusListId: statusList.listId, statusList } : {}),
    createOffer,
    close: async () => {
      await app.close();
      statusList?.close();
    },
  };
}
