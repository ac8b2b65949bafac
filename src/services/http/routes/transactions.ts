import type { FastifyInstance } from 'fastify';
import type { LedgerNode } from '../../../ledger/ledger-node.ts';
import { MAX_BATCH_TRANSACTIONS } from '../../../ledger/ledger-node.ts';
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

  app.post<{
    Body: { transactions: unknown[] };
    Querystring: { wait?: 'true' | 'false'; timeoutMs?: string };
  }>(
    '/v1/transactions/batch',
    {
      // 2,000 transactions of a typical few hundred bytes; the per-transaction 64 KiB limit still holds.
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        summary:
          'Submit many signed transactions in one request. Each entry is checked and committed on its own: a bad entry is refused with its own code, the others go ahead.',
        tags: ['ledger'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['transactions'],
          properties: {
            transactions: {
              type: 'array',
              minItems: 1,
              maxItems: MAX_BATCH_TRANSACTIONS,
              // Each entry is decoded on its own, so a malformed one is refused alone.
              items: { type: 'object' },
            },
          },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            wait: {
              type: 'string',
              enum: ['true', 'false'],
              description: 'true: answer once every accepted entry is committed or rejected',
            },
            timeoutMs: { type: 'string', pattern: '^[0-9]{1,6}$' },
          },
        },
        response: {
          200: {
            description: 'per-entry results, in the order of the request',
            type: 'object',
            required: ['results'],
            properties: {
              committed: { type: 'integer' },
              pending: { type: 'integer' },
              timeout: { type: 'integer' },
              rejected: { type: 'integer' },
              results: { type: 'array', items: { $ref: 'BatchEntryStatus#' } },
            },
          },
          '4xx': { $ref: 'Error#' },
          '5xx': { $ref: 'Error#' },
        },
      },
    },
    async (request) => {
      const results = await node.submitBatch(request.body.transactions, {
        wait: request.query.wait === 'true',
        timeoutMs: request.query.timeoutMs ? Number(request.query.timeoutMs) : undefined,
      });
      const count = (status: string) => results.filter((r) => r.status === status).length;
      return {
        committed: count('committed'),
        pending: count('pending'),
        timeout: count('timeout'),
        rejected: count('rejected'),
        results,
      };
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
