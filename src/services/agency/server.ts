import { timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { VerificationContext } from '../../core/credentials/verification/index.ts';
import { startIssuer } from '../issuer/server.ts';
import type { IssuerSigningKey } from '../issuer/credential-builder.ts';
import type { RunningIssuer } from '../issuer/server.ts';
import type { IssuerStatusOptions } from '../issuer/issuer-status.ts';
import { AgencyService, agencyTemplateIds } from './agency-service.ts';
import type { AgencyLedger, AgencyLedgerWriter } from './agency-ledger.ts';
import { AgencyStore } from './agency-store.ts';
import { DataCipher } from './data-cipher.ts';
import type { IdentitySource } from './identity-source.ts';
import {
  ALWAYS_DISCLOSED,
  ORGANIZATION_CERTIFICATE_TYPE,
  PERSON_CERTIFICATE_TYPE,
} from './real-name-certificate.ts';

export interface AgencyServerOptions {
  agencyDid: string;
  /** The agency's assertionMethod key: signs its certificates. */
  signingKey: IssuerSigningKey;
  ledger: AgencyLedger;
  writer: AgencyLedgerWriter;
  identitySource: IdentitySource;
  /**
   * How legal representatives' real-name certificates are checked: a node's state
   * (`ledgerVerificationContext`) or its API (`realNameVerificationContext`).
   */
  verification: VerificationContext;
  networkKey: Uint8Array;
  /** AES-256 key sealing personal data at rest. */
  dataKey: Uint8Array;
  /** The agency's store, status list and index allocator live here. */
  dataDir: string;
  /** Creates the agency's status list on the ledger (first start only). */
  createStatusList: IssuerStatusOptions['createList'];
  /** Bearer token of the agency's operator (revocations, the access-log check). */
  operatorToken: string;
  /** How often the access log's head is anchored on the ledger, ms (default 10 minutes). */
  anchorEveryMs?: number;
  host?: string;
  port?: number;
  publicUrl?: string;
  logger?: boolean;
}

export interface RunningAgency {
  url: string;
  service: AgencyService;
  store: AgencyStore;
  issuer: RunningIssuer;
  close(): Promise<void>;
}

const PROOF = { type: 'string', minLength: 1, maxLength: 16_384 };
const EVIDENCE = { type: 'object', maxProperties: 10 };
const errorResponse = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

function operatorOnly(request: FastifyRequest, token: string): void {
  const header = request.headers.authorization;
  const given = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new DdiError(ErrorCode.Unauthorized, 'this is for the agency operator (bearer token)');
  }
}

function agencyRoutes(app: FastifyInstance, service: () => AgencyService, token: string): void {
  app.post('/agency/challenges', {
    schema: { response: { 201: { type: 'object', additionalProperties: true } } },
    handler: async (_request, reply) => reply.code(201).send(service().challenge()),
  });

  app.post<{ Body: { proof: string; evidence: Record<string, unknown>; faceCheck?: string } }>(
    '/agency/persons',
    {
      schema: {
        body: {
          type: 'object',
          required: ['proof', 'evidence'],
          additionalProperties: false,
          properties: {
            proof: PROOF,
            evidence: EVIDENCE,
            faceCheck: { type: 'string', minLength: 1, maxLength: 8192 },
          },
        },
        response: { 201: { type: 'object', additionalProperties: true }, '4xx': errorResponse },
      },
      handler: async (request, reply) =>
        reply.code(201).send(await service().registerPerson(request.body)),
    },
  );

  app.post<{
    Body: {
      proof: string;
      uscc: string;
      name: string;
      kind?: string;
      legalRepresentative: { proof: string; presentation: string; nonce: string };
    };
  }>('/agency/organizations', {
    schema: {
      body: {
        type: 'object',
        required: ['proof', 'uscc', 'name', 'legalRepresentative'],
        additionalProperties: false,
        properties: {
          proof: PROOF,
          uscc: { type: 'string', maxLength: 18 },
          name: { type: 'string', maxLength: 200 },
          kind: { type: 'string', maxLength: 40 },
          legalRepresentative: {
            type: 'object',
            required: ['proof', 'presentation', 'nonce'],
            additionalProperties: false,
            properties: {
              proof: PROOF,
              presentation: { type: 'string', minLength: 1, maxLength: 65_536 },
              nonce: { type: 'string', minLength: 1, maxLength: 100 },
            },
          },
        },
      },
      response: { 201: { type: 'object', additionalProperties: true }, '4xx': errorResponse },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await service().registerOrganization(request.body)),
  });

  app.post<{ Body: { proof: string; orderId: string } }>('/agency/disclosures', {
    // A malformed request is refused like any other, and logged (no attempt goes unrecorded).
    attachValidation: true,
    schema: {
      body: {
        type: 'object',
        required: ['proof', 'orderId'],
        additionalProperties: false,
        properties: { proof: PROOF, orderId: { type: 'string', maxLength: 64 } },
      },
      response: { 200: { type: 'object', additionalProperties: true }, '4xx': errorResponse },
    },
    handler: async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      if (request.validationError) {
        service().logRefusal('anonymous', 'disclose', 'unknown', 'malformed');
        throw new DdiError(ErrorCode.Malformed, request.validationError.message);
      }
      return service().disclose(request.body);
    },
  });

  app.post<{ Body: { subject: string; reason: string } }>('/agency/revocations', {
    schema: {
      body: {
        type: 'object',
        required: ['subject', 'reason'],
        additionalProperties: false,
        properties: {
          subject: { type: 'string', maxLength: 64 },
          reason: { type: 'string', maxLength: 20 },
        },
      },
      response: { 200: { type: 'object', additionalProperties: true }, '4xx': errorResponse },
    },
    handler: async (request) => {
      operatorOnly(request, token);
      return service().revoke(request.body);
    },
  });
}

/**
 * Starts an identity verification agency: the registration API under `/agency/…` and, on the
 * same server, the OpenID4VCI issuer of its real-name certificates (the wallet collects a
 * certificate with the offer a registration returns).
 */
export async function startAgency(options: AgencyServerOptions): Promise<RunningAgency> {
  const store = AgencyStore.open(options.dataDir, new DataCipher(options.dataKey));
  const templates = agencyTemplateIds(options.agencyDid);
  // The routes are registered before the service exists (it needs the issuer's offers).
  const late: { service?: AgencyService } = {};
  let issuer: RunningIssuer;
  try {
    issuer = await startIssuer({
      issuerDid: options.agencyDid,
      signingKey: options.signingKey,
      ledger: options.ledger,
      templateIds: [templates.person, templates.organization],
      operatorToken: options.operatorToken,
      status: { dataDir: join(options.dataDir, 'status'), createList: options.createStatusList },
      // Certificates only after a registration: never minted by hand with the operator token.
      operatorOffers: false,
      alwaysDisclosed: (template) =>
        template.credentialType === PERSON_CERTIFICATE_TYPE ||
        template.credentialType === ORGANIZATION_CERTIFICATE_TYPE
          ? ALWAYS_DISCLOSED
          : [],
      onIssued: (event) =>
        store.recordIssued(event.offerId, event.format, event.status?.uri, event.status?.idx),
      routes: (app) =>
        agencyRoutes(
          app,
          () => {
            if (!late.service) throw new DdiError(ErrorCode.Unavailable, 'the agency is starting');
            return late.service;
          },
          options.operatorToken,
        ),
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
    });
  } catch (err) {
    store.close();
    throw err;
  }
  const service = new AgencyService({
    agencyDid: options.agencyDid,
    ledger: options.ledger,
    writer: options.writer,
    store,
    identitySource: options.identitySource,
    verification: options.verification,
    networkKey: options.networkKey,
    templates,
    createOffer: (input) => issuer.createOffer(input),
  });
  late.service = service;
  // Anchor the access log's head periodically (and after every disclosure, in the service).
  const anchoring = setInterval(
    () => {
      service.anchorAccessLog().catch(() => undefined);
    },
    options.anchorEveryMs ?? 10 * 60_000,
  );
  anchoring.unref();
  return {
    url: issuer.url,
    service,
    store,
    issuer,
    close: async () => {
      clearInterval(anchoring);
      await issuer.close();
      store.close();
    },
  };
}
