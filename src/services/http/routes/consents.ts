import type { FastifyInstance } from 'fastify';
import type { Ledger } from '../../../ledger/ledger.ts';
import { DATA_CATEGORY_NAMES } from '../../../core/consent/data-categories.ts';
import {
  MAX_CONSENT_PAGE,
  auditAnchorOf,
  consentById,
  consentDecision,
  consentsOf,
} from '../../registry-queries/consent-query.ts';
import type { ConsentCheckQuery } from '../../registry-queries/consent-query.ts';
import { consentSchemas } from '../consent-schemas.ts';

const didString = { type: 'string', minLength: 1, maxLength: 512 } as const;
const grantIdString = { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' } as const;
const checkProperties = {
  grantor: didString,
  grantee: didString,
  scope: { type: 'string', enum: [...DATA_CATEGORY_NAMES] },
  purpose: { type: 'string', minLength: 1, maxLength: 100 },
  grantId: grantIdString,
  at: { type: 'string', maxLength: 40, description: 'ISO 8601 time of the access (default: now)' },
} as const;
const checkSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['grantor', 'grantee', 'scope'],
  properties: checkProperties,
} as const;

/** Data authorizations: grants by id and by party, the data holder's check, audit anchors. */
export function consentRoutes(app: FastifyInstance, ledger: Ledger): void {
  for (const schema of consentSchemas) app.addSchema(schema);

  const checkResponse = { 200: { $ref: 'ConsentDecision#' }, '4xx': { $ref: 'Error#' } };
  const checkSummary =
    'May the grantee use the grantor’s data of this category (for this purpose) at this time? Data holders ask before releasing data';
  app.get<{ Querystring: ConsentCheckQuery }>(
    '/v1/consents/check',
    {
      schema: {
        summary: checkSummary,
        tags: ['consents'],
        querystring: checkSchema,
        response: checkResponse,
      },
    },
    async (request) => consentDecision(ledger, request.query),
  );
  app.post<{ Body: ConsentCheckQuery }>(
    '/v1/consents/check',
    {
      schema: {
        summary: `${checkSummary} (the same question as a JSON body)`,
        tags: ['consents'],
        body: checkSchema,
        response: checkResponse,
      },
    },
    async (request) => consentDecision(ledger, request.body),
  );

  app.get<{ Params: { grantId: string } }>(
    '/v1/consents/:grantId',
    {
      schema: {
        summary: 'One data authorization grant, with how it ended if it did',
        tags: ['consents'],
        params: { type: 'object', required: ['grantId'], properties: { grantId: grantIdString } },
        response: { 200: { $ref: 'ConsentGrant#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => consentById(ledger, request.params.grantId),
  );

  app.get<{ Querystring: { grantor?: string; grantee?: string; limit?: string; cursor?: string } }>(
    '/v1/consents',
    {
      schema: {
        summary: 'The grants a DID made (grantor) or received (grantee), newest first',
        tags: ['consents'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            grantor: didString,
            grantee: didString,
            limit: {
              type: 'string',
              pattern: '^[0-9]{1,4}$',
              description: `grants per page (default 50, at most ${MAX_CONSENT_PAGE})`,
            },
            cursor: {
              type: 'string',
              pattern: '^[0-9]{1,15}$',
              description: 'nextCursor of the previous page',
            },
          },
        },
        response: { 200: { $ref: 'ConsentPage#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => consentsOf(ledger, request.query),
  );

  app.get<{ Params: { holder: string; logId: string }; Querystring: { sequence?: string } }>(
    '/v1/audit-anchors/:holder/:logId',
    {
      schema: {
        summary:
          'The latest head a data holder anchored for its access log (or the one at a sequence number)',
        tags: ['consents'],
        params: {
          type: 'object',
          required: ['holder', 'logId'],
          properties: { holder: didString, logId: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { sequence: { type: 'string', pattern: '^[0-9]{1,15}$' } },
        },
        response: { 200: { $ref: 'AuditAnchor#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) =>
      auditAnchorOf(ledger, request.params.holder, request.params.logId, request.query.sequence),
  );
}
