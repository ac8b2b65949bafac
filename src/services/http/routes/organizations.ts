import type { FastifyInstance } from 'fastify';
import type { Ledger } from '../../../ledger/ledger.ts';
import {
  organizationByCode,
  organizationByDid,
} from '../../registry-queries/organization-query.ts';

/** Registered organizations, by unified social credit code or by primary DID. */
export function organizationRoutes(app: FastifyInstance, ledger: Ledger): void {
  app.get<{ Params: { uscc: string } }>(
    '/v1/organizations/:uscc',
    {
      schema: {
        summary: 'An organization by its unified social credit code, with its primary DID',
        tags: ['organizations'],
        params: {
          type: 'object',
          required: ['uscc'],
          properties: { uscc: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: { 200: { $ref: 'Organization#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => organizationByCode(ledger, request.params.uscc),
  );

  app.get<{ Querystring: { did: string } }>(
    '/v1/organizations',
    {
      schema: {
        summary: 'The organization whose primary DID this is (a DID is that of at most one)',
        tags: ['organizations'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['did'],
          properties: { did: { type: 'string', minLength: 1, maxLength: 512 } },
        },
        response: { 200: { $ref: 'Organization#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => organizationByDid(ledger, request.query.did),
  );
}
