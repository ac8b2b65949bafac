import type { FastifyInstance } from 'fastify';
import type { Ledger } from '../../../ledger/ledger.ts';
import { MAX_DEVICE_PAGE, deviceOf, devicesOf } from '../../registry-queries/device-query.ts';
import type { DeviceAuthenticator } from '../../device-auth/device-authenticator.ts';

const didString = { type: 'string', minLength: 1, maxLength: 512 } as const;

const deviceRecord = {
  type: 'object',
  required: ['device', 'controller', 'status', 'registered', 'registeredTx'],
  properties: {
    device: { type: 'string' },
    controller: { type: 'string' },
    status: { type: 'string', enum: ['active', 'decommissioned'] },
    registered: { type: 'integer', description: 'block time (ms) of the registration' },
    registeredTx: { type: 'string' },
    decommissioned: {
      type: 'object',
      properties: {
        time: { type: 'integer' },
        height: { type: 'integer' },
        txId: { type: 'string' },
        reason: { type: 'string' },
      },
    },
  },
} as const;

/** The device registry (an organization's devices) and device authentication by challenge-response. */
export function deviceRoutes(
  app: FastifyInstance,
  ledger: Ledger,
  authenticator: DeviceAuthenticator,
): void {
  app.get<{ Querystring: { controller: string; after?: string; limit?: string } }>(
    '/v1/devices',
    {
      schema: {
        summary: 'The devices an organization registered, in DID order, a page at a time',
        tags: ['devices'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['controller'],
          properties: {
            controller: didString,
            after: { ...didString, description: 'the `next` of the previous page' },
            limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: `≤ ${MAX_DEVICE_PAGE}` },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['controller', 'devices'],
            properties: {
              controller: { type: 'string' },
              devices: { type: 'array', items: deviceRecord },
              next: { type: 'string' },
            },
          },
          '4xx': { $ref: 'Error#' },
        },
      },
    },
    async (request) => devicesOf(ledger, request.query.controller, request.query),
  );

  app.get<{ Params: { device: string }; Querystring: { controller: string } }>(
    '/v1/devices/:device',
    {
      schema: {
        summary: 'A device as its organization registered it (active or decommissioned)',
        tags: ['devices'],
        params: { type: 'object', required: ['device'], properties: { device: didString } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['controller'],
          properties: { controller: didString },
        },
        response: { 200: deviceRecord, '4xx': { $ref: 'Error#' } },
      },
    },
    async (request) => deviceOf(ledger, request.query.controller, request.params.device),
  );

  app.post<{ Body: { audience: string } }>(
    '/v1/device-auth/challenges',
    {
      schema: {
        summary:
          'A fresh single-use challenge (nonce, audience, expiry) for a device to sign with its DID key',
        tags: ['devices'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['audience'],
          properties: { audience: { type: 'string', minLength: 1, maxLength: 256 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['nonce', 'audience', 'expiresAt'],
            properties: {
              nonce: { type: 'string' },
              audience: { type: 'string' },
              expiresAt: { type: 'string', format: 'date-time' },
            },
          },
          '4xx': { $ref: 'Error#' },
          '5xx': { $ref: 'Error#' },
        },
      },
    },
    async (request) => authenticator.issueChallenge(request.body.audience),
  );

  app.post<{ Body: { response: string; audience: string; nonce: string; controller: string } }>(
    '/v1/device-auth/verify',
    {
      schema: {
        summary:
          "Check a device's signed answer: the live unused challenge this session was given (nonce) for this audience, current authentication key, registered by the expected organization and not decommissioned",
        tags: ['devices'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['response', 'audience', 'nonce', 'controller'],
          properties: {
            response: { type: 'string', minLength: 1, maxLength: 4096 },
            audience: { type: 'string', minLength: 1, maxLength: 256 },
            nonce: {
              type: 'string',
              minLength: 1,
              maxLength: 256,
              description: 'the nonce of the challenge the service obtained for this session',
            },
            controller: didString,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['device', 'controller', 'kid'],
            properties: {
              device: { type: 'string' },
              controller: { type: 'string' },
              kid: { type: 'string' },
            },
          },
          '4xx': { $ref: 'Error#' },
        },
      },
    },
    async (request) =>
      authenticator.verify(request.body.response, {
        audience: request.body.audience,
        nonce: request.body.nonce,
        controller: request.body.controller,
      }),
  );
}
