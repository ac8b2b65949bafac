import type { FastifyInstance } from 'fastify';
import type { Ledger } from '../../../ledger/ledger.ts';
import { templateRecord } from '../../registry-queries/template-query.ts';

const idParam = { type: 'string', minLength: 1, maxLength: 100 } as const;

/** Credential templates: the latest version, or one version. */
export function templateRoutes(app: FastifyInstance, ledger: Ledger): void {
  app.get<{ Params: { id: string } }>(
    '/v1/templates/:id',
    {
      schema: {
        summary: 'The latest version of a credential template, with its issuer',
        tags: ['templates'],
        params: { type: 'object', required: ['id'], properties: { id: idParam } },
        response: { 200: { $ref: 'TemplateRecord#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => templateRecord(ledger, request.params.id),
  );

  app.get<{ Params: { id: string; version: string } }>(
    '/v1/templates/:id/versions/:version',
    {
      schema: {
        summary: 'One version of a credential template (versions are never replaced)',
        tags: ['templates'],
        params: {
          type: 'object',
          required: ['id', 'version'],
          properties: { id: idParam, version: { type: 'string', pattern: '^[0-9]{1,9}$' } },
        },
        response: { 200: { $ref: 'TemplateRecord#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => templateRecord(ledger, request.params.id, Number(request.params.version)),
  );
}
