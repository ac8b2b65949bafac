import type { FastifyInstance } from 'fastify';
import type { Ledger } from '../../../ledger/ledger.ts';

const heightParam = {
  type: 'object',
  required: ['height'],
  properties: { height: { type: 'string', pattern: '^(latest|[0-9]{1,15})$' } },
} as const;

/** Blocks and headers by height ("latest" for the head). */
export function blockRoutes(app: FastifyInstance, ledger: Ledger): void {
  const load = (height: string) => ledger.blockAt(height === 'latest' ? 'latest' : Number(height));

  app.get<{ Params: { height: string } }>(
    '/v1/blocks/:height',
    {
      schema: {
        summary: 'A block: header, hash, transaction ids and operator signatures',
        tags: ['ledger'],
        params: heightParam,
        response: { 200: { $ref: 'Block#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => load(request.params.height),
  );

  app.get<{ Params: { height: string } }>(
    '/v1/blocks/:height/header',
    {
      schema: {
        summary: 'A block header',
        tags: ['ledger'],
        params: heightParam,
        response: { 200: { $ref: 'BlockHeader#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => load(request.params.height).header,
  );
}
