import type { FastifyInstance } from 'fastify';
import type { LedgerNode } from '../../../ledger/ledger-node.ts';
import { nodeStatus } from '../../node/node-status.ts';

/** Node status, the genesis, and a trivial liveness route (the benchmark's ceiling). */
export function nodeStatusRoutes(app: FastifyInstance, node: LedgerNode, startedAt: number): void {
  const { ledger } = node;
  app.get(
    '/v1/status',
    {
      schema: {
        summary: 'Node status: network, head of the chain, state root',
        tags: ['node'],
        response: {
          200: {
            type: 'object',
            properties: {
              chainId: { type: 'string' },
              operator: { type: 'string' },
              height: { type: 'integer' },
              headHash: { type: 'string' },
              headTime: { type: 'integer' },
              stateRoot: { type: 'string' },
              ordering: { type: 'string' },
              sm2Backend: { type: 'string' },
              uptimeSeconds: { type: 'number' },
              operators: { type: 'integer' },
              quorum: { type: 'integer' },
              finalHeight: { type: 'integer' },
              divergence: {
                type: 'object',
                properties: {
                  height: { type: 'integer' },
                  localHash: { type: 'string' },
                  quorumHash: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
    async () => nodeStatus(ledger, startedAt, node),
  );

  app.get(
    '/v1/genesis',
    {
      schema: {
        summary: 'The genesis document of this network',
        tags: ['node'],
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async () => ledger.genesis,
  );

  app.get(
    '/v1/ping',
    {
      schema: {
        summary: 'Liveness: answers {ok:true} and does nothing else',
        tags: ['node'],
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
    },
    async () => ({ ok: true }),
  );
}
