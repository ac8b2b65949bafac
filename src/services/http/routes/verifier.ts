import type { FastifyInstance } from 'fastify';
import type { PresentationVerifier } from '../../verifier/presentation-verifier.ts';

const checkSchema = {
  type: 'object',
  properties: {
    check: { type: 'string' },
    ok: { type: 'boolean' },
    reason: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

/** The verifier: presentation requests (a fresh nonce each) and verdicts on the answers. */
export function verifierRoutes(app: FastifyInstance, verifier: PresentationVerifier): void {
  app.post<{ Body: { dcql_query?: unknown } }>(
    '/v1/verifier/requests',
    {
      schema: {
        summary:
          'A presentation request: a single-use nonce, this verifier’s client_id, the DCQL query',
        tags: ['verifier'],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { dcql_query: { type: 'object', additionalProperties: true } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              nonce: { type: 'string' },
              client_id: { type: 'string' },
              dcql_query: { type: 'object', additionalProperties: true },
              expiresAt: { type: 'integer' },
            },
          },
          '4xx': { $ref: 'Error#' },
        },
      },
    },
    async (request) => verifier.createRequest(request.body?.dcql_query),
  );

  app.post<{ Body: { nonce: string; format: 'dc+sd-jwt' | 'jwt_vc_json'; presentation: string } }>(
    '/v1/verifier/presentations',
    {
      schema: {
        summary: 'Verify a presentation made for a request: a verdict with every check and reason',
        tags: ['verifier'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['nonce', 'format', 'presentation'],
          properties: {
            nonce: { type: 'string', minLength: 1, maxLength: 200 },
            format: { type: 'string', enum: ['dc+sd-jwt', 'jwt_vc_json'] },
            presentation: { type: 'string', minLength: 1, maxLength: 512 * 1024 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              verified: { type: 'boolean' },
              format: { type: 'string' },
              issuer: { type: 'string' },
              holder: { type: 'string' },
              credentialType: { type: 'string' },
              issuedAt: { type: 'integer' },
              claims: { type: 'object', additionalProperties: true },
              checks: { type: 'array', items: checkSchema },
              reasons: { type: 'array', items: { type: 'string' } },
            },
          },
          '4xx': { $ref: 'Error#' },
        },
      },
    },
    async (request) => verifier.verify(request.body),
  );
}
