import type { FastifyInstance } from 'fastify';
import type { Ledger } from '../../../ledger/ledger.ts';
import { proveDidRecord, proveStatusEntry, proveTrustCheck } from '../../proofs/proven-queries.ts';
import type { TrustCheckQuery } from '../../registry-queries/trust-queries.ts';
import { statusEntrySchema } from './status-lists.ts';

const bundleSchema = {
  type: 'object',
  required: ['header', 'hash', 'signatures', 'entries'],
  properties: {
    header: { $ref: 'BlockHeader#' },
    hash: { type: 'string' },
    signatures: {
      type: 'array',
      items: {
        type: 'object',
        properties: { operator: { type: 'string' }, sig: { type: 'string' } },
      },
    },
    entries: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          value: { type: ['string', 'null'] },
          proof: { type: 'object', additionalProperties: true },
        },
      },
    },
  },
} as const;

/** Proven answers for light clients: Merkle proofs against an operator-signed header. */
export function proofRoutes(app: FastifyInstance, ledger: Ledger): void {
  app.get<{ Params: { did: string } }>(
    '/v1/proofs/identifiers/:did',
    {
      schema: {
        summary:
          "A DID's current record (or its absence) with a Merkle proof against the signed head header",
        tags: ['proofs'],
        params: {
          type: 'object',
          required: ['did'],
          properties: { did: { type: 'string', maxLength: 512 } },
        },
        response: {
          200: { type: 'object', properties: { did: { type: 'string' }, proof: bundleSchema } },
          '4xx': { $ref: 'Error#' },
        },
      },
    },
    async (request) => proveDidRecord(ledger, request.params.did),
  );

  app.get<{ Querystring: TrustCheckQuery }>(
    '/v1/proofs/trust/check',
    {
      schema: {
        summary: 'The trust check with Merkle proofs of every registry entry it read',
        tags: ['proofs'],
        querystring: {
          type: 'object',
          required: ['subject', 'role'],
          additionalProperties: false,
          properties: {
            subject: { type: 'string', maxLength: 512 },
            role: { type: 'string', maxLength: 64 },
            credentialType: { type: 'string', maxLength: 100 },
            template: { type: 'string', maxLength: 100 },
            at: { type: 'string', maxLength: 40 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { answer: { $ref: 'AccreditationCheck#' }, proof: bundleSchema },
          },
          '4xx': { $ref: 'Error#' },
        },
      },
    },
    async (request) => proveTrustCheck(ledger, request.query),
  );

  app.get<{ Params: { owner: string; listId: string; index: string } }>(
    '/v1/proofs/status-lists/:owner/:listId/entries/:index',
    {
      schema: {
        summary:
          "One status list entry with Merkle proofs of the list's record and the entry's page",
        tags: ['proofs'],
        params: {
          type: 'object',
          required: ['owner', 'listId', 'index'],
          properties: {
            owner: { type: 'string', minLength: 1, maxLength: 512 },
            listId: { type: 'string', minLength: 1, maxLength: 100 },
            index: { type: 'string', minLength: 1, maxLength: 20 },
          },
        },
        response: {
          200: { type: 'object', properties: { entry: statusEntrySchema, proof: bundleSchema } },
          '4xx': { $ref: 'Error#' },
        },
      },
    },
    async (request) =>
      proveStatusEntry(ledger, request.params.owner, request.params.listId, request.params.index),
  );
}
