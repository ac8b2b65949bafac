import type { FastifyInstance } from 'fastify';
import type { Ledger } from '../../../ledger/ledger.ts';
import {
  disclosureOrderById,
  realNameBindingByCommitment,
  realNameRegistrationByDid,
} from '../../registry-queries/real-name-query.ts';

/**
 * Real-name bindings (keyed commitment ↔ primary DID, no personal data) and the regulator's
 * disclosure orders. Agencies read them to enforce one DID per person and to check an order
 * before they answer it; anyone may read them.
 */
export function realNameRoutes(app: FastifyInstance, ledger: Ledger): void {
  app.get<{ Params: { commitment: string } }>(
    '/v1/real-name/commitments/:commitment',
    {
      schema: {
        summary: "A person's primary DID by the agencies' keyed commitment",
        tags: ['real-name'],
        params: {
          type: 'object',
          required: ['commitment'],
          properties: { commitment: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: { 200: { $ref: 'RealNameBinding#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => realNameBindingByCommitment(ledger, request.params.commitment),
  );

  app.get<{ Querystring: { did: string } }>(
    '/v1/real-name',
    {
      schema: {
        summary:
          "A DID's real-name registration: its agency, assurance, and whether it ended (no commitment)",
        tags: ['real-name'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['did'],
          properties: { did: { type: 'string', minLength: 1, maxLength: 512 } },
        },
        response: { 200: { $ref: 'RealNameRegistration#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => realNameRegistrationByDid(ledger, request.query.did),
  );

  app.get<{ Params: { orderId: string } }>(
    '/v1/disclosure-orders/:orderId',
    {
      schema: {
        summary: "A regulator's disclosure order and its fulfilment",
        tags: ['real-name'],
        params: {
          type: 'object',
          required: ['orderId'],
          properties: { orderId: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: { 200: { $ref: 'DisclosureOrder#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => disclosureOrderById(ledger, request.params.orderId),
  );
}
