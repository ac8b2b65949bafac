import type { FastifyInstance } from 'fastify';
import type { Ledger } from '../../../ledger/ledger.ts';
import { ROLES } from '../../../ledger/registries/trust-registry.ts';
import {
  accreditationById,
  accreditationsOf,
  blocklistStatus,
  checkTrust,
} from '../../registry-queries/trust-queries.ts';

const didString = { type: 'string', minLength: 1, maxLength: 512 } as const;
const roleString = { type: 'string', enum: [...ROLES] } as const;
const nameString = { type: 'string', minLength: 1, maxLength: 100 } as const;

/** The trust registry: accreditations, the verifier's check, the blocklist. */
export function trustRoutes(app: FastifyInstance, ledger: Ledger): void {
  app.get<{ Params: { id: string } }>(
    '/v1/trust/accreditations/:id',
    {
      schema: {
        summary: 'One accreditation, with its status history',
        tags: ['trust'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
        },
        response: { 200: { $ref: 'Accreditation#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => accreditationById(ledger, request.params.id),
  );

  app.get<{ Querystring: { subject: string; role?: string } }>(
    '/v1/trust/accreditations',
    {
      schema: {
        summary: 'The accreditations a DID holds (in one role, or all), from the subject index',
        tags: ['trust'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['subject'],
          properties: { subject: didString, role: roleString },
        },
        response: { 200: { $ref: 'AccreditationList#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => ({ accreditations: accreditationsOf(ledger, request.query) }),
  );

  app.get<{
    Querystring: {
      subject: string;
      role: string;
      credentialType?: string;
      template?: string;
      at?: string;
      height?: string;
    };
  }>(
    '/v1/trust/check',
    {
      schema: {
        summary:
          'Was a DID accredited in a role (for a credential type or template) at a time? With the chain to the regulator',
        tags: ['trust'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['subject', 'role'],
          properties: {
            subject: didString,
            role: roleString,
            credentialType: nameString,
            template: nameString,
            at: {
              type: 'string',
              maxLength: 40,
              description: 'ISO 8601 time (default: now)',
            },
            height: {
              type: 'string',
              pattern: '^[0-9]{1,15}$',
              description: "the time of this block instead of 'at'",
            },
          },
        },
        response: { 200: { $ref: 'AccreditationCheck#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => {
      const { height, ...rest } = request.query;
      return checkTrust(ledger, {
        ...rest,
        ...(height === undefined ? {} : { height: Number(height) }),
      });
    },
  );

  app.get<{ Params: { did: string } }>(
    '/v1/trust/blocklist/:did',
    {
      schema: {
        summary: "A DID's blocklist history and whether it is listed now",
        tags: ['trust'],
        params: { type: 'object', required: ['did'], properties: { did: didString } },
        response: { 200: { $ref: 'BlocklistEntry#' }, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => blocklistStatus(ledger, request.params.did),
  );
}
