import type { FastifyInstance } from 'fastify';
import type { Ledger } from '../../../ledger/ledger.ts';
import { applicationByDid } from '../../registry-queries/application-query.ts';

/** Application service providers (login): the record and whether it may sign people in now. */
export function applicationRoutes(app: FastifyInstance, ledger: Ledger): void {
  app.get<{ Params: { did: string } }>(
    '/v1/applications/:did',
    {
      schema: {
        summary:
          'A registered application: name, redirect URIs, status, accreditation, and whether it may sign people in now',
        tags: ['applications'],
        params: {
          type: 'object',
          required: ['did'],
          properties: { did: { type: 'string', minLength: 1, maxLength: 512 } },
        },
        response: { 200: { $ref: 'ApplicationStanding#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => applicationByDid(ledger, request.params.did),
  );
}
