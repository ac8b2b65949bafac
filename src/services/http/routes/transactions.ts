import type { FastifyInstance } from 'fastify';
import type { LedgerNode } from '../../../ledger/ledger-node.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';

/** Submit transactions and ask for their status. */
export function transactionRoutes(app: FastifyInstance, node: LedgerNode): void {
  app.post<{
    Body: unknown;
    Querystring: { wait?: 'true' | 'false' | 'final'; timeoutMs?: string };
  }>(
    '/v1/transactions',
    {
      schema: {
        summary:
          'Submit a signed transaction. Returns its id; with wait=true, waits for its block.',
        tags: ['ledger'],
        body: { $ref: 'Transaction#' },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            wait: {
              type: 'string',
              enum: ['true', 'false', 'final'],
              description:
                'true: until its block is committed on this node; final: until a quorum of operators signed that block',
            },
            timeoutMs: { type: 'string', pattern: '^[0-9]{1,6}$' },
          },
        },
        response: {
          200: { description: 'committed', $ref: 'TransactionStatus#' },
          202: {
            description: 'accepted: durably queued, not yet in a block',
            $ref: 'TransactionStatus#',
          },
          '4xx': { $ref: 'Error#' },
          '5xx': { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const wait = request.query.wait === 'true' || request.query.wait === 'final';
      const final = request.query.wait === 'final';
      const timeoutMs = request.query.timeoutMs ? Number(request.query.timeoutMs) : undefined;
      const result = await node.submit(request.body, { wait, final, timeoutMs });
      if (result.status === 'rejected') {
        // With wait=true a transaction that lost at execution (e.g. a concurrent update) is an error.
        throw new DdiError(result.code as ErrorCode, result.message, { id: result.id });
      }
      reply.code(result.status === 'committed' ? 200 : 202);
      return result;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/transactions/:id',
    {
      schema: {
        summary:
          'Status of a transaction: pending, committed (with its block), rejected (with the code) or unknown',
        tags: ['ledger'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
        },
        response: { 200: { $ref: 'TransactionStatus#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => {
      const status = node.status(request.params.id);
      if (status.status === 'unknown') {
        throw new DdiError(
          ErrorCode.NotFound,
          `transaction ${request.params.id} is not known to this node`,
        );
      }
      return { id: request.params.id, ...status };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/transactions/:id/body',
    {
      schema: {
        summary: 'A committed transaction as it was signed',
        tags: ['ledger'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
        },
        response: { 200: { $ref: 'Transaction#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => {
      const stored = node.ledger.store.getTransaction(request.params.id);
      if (!stored)
        throw new DdiError(
          ErrorCode.NotFound,
          `transaction ${request.params.id} is not on the ledger`,
        );
      return stored.tx;
    },
  );
}
