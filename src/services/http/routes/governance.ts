import type { FastifyInstance } from 'fastify';
import type { Ledger } from '../../../ledger/ledger.ts';
import { governanceConfig } from '../../registry-queries/governance-query.ts';

/** The regulator's governance configuration (who signs governance transactions, and how many). */
export function governanceRoutes(app: FastifyInstance, ledger: Ledger): void {
  app.get(
    '/v1/governance',
    {
      schema: {
        summary: "The regulator's DID, its M-of-N governance keys and the threshold M",
        tags: ['governance'],
        response: { 200: { $ref: 'GovernanceConfig#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async () => governanceConfig(ledger),
  );
}
