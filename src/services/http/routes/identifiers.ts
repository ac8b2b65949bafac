import type { FastifyInstance } from 'fastify';
import { DdiError } from '../../../core/errors.ts';
import { DID_LD_JSON_MEDIA_TYPE, DID_RESOLUTION_MEDIA_TYPE } from '../../../core/did/index.ts';
import type { Ledger } from '../../../ledger/ledger.ts';
import { resolutionError, resolveDid } from '../../resolver/resolve-did.ts';
import { httpStatusFor, toDdiError } from '../error-status.ts';

/** Universal Resolver driver route: GET /1.0/identifiers/{did}. */
export function identifierRoutes(app: FastifyInstance, ledger: Ledger): void {
  app.get<{ Params: { did: string }; Querystring: { versionId?: string; versionTime?: string } }>(
    '/1.0/identifiers/:did',
    {
      schema: {
        summary: 'Resolve a did:ddi DID (DID Resolution), optionally at a versionId or versionTime',
        tags: ['resolution'],
        params: {
          type: 'object',
          properties: { did: { type: 'string', maxLength: 512 } },
          required: ['did'],
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            versionId: { type: 'string', maxLength: 20 },
            versionTime: { type: 'string', maxLength: 40 },
          },
        },
        response: {
          200: { $ref: 'DidResolutionResult#' },
          400: { $ref: 'DidResolutionResult#' },
          404: { $ref: 'DidResolutionResult#' },
          410: { $ref: 'DidResolutionResult#' },
          501: { $ref: 'DidResolutionResult#' },
        },
      },
    },
    async (request, reply) => {
      const documentOnly = wantsDocumentOnly(request.headers.accept);
      try {
        const result = resolveDid(ledger, request.params.did, request.query);
        // Universal Resolver convention: a deactivated DID answers 410 Gone with its metadata.
        reply.code(result.didDocumentMetadata.deactivated ? 410 : 200);
        // The DID Resolution media types are not application/json, so fastify leaves them to us.
        if (documentOnly)
          return reply.type(DID_LD_JSON_MEDIA_TYPE).send(JSON.stringify(result.didDocument));
        return reply.type(DID_RESOLUTION_MEDIA_TYPE).send(JSON.stringify(result));
      } catch (err) {
        const error = toDdiError(err);
        if (!(err instanceof DdiError)) throw err;
        return reply
          .code(httpStatusFor(error.code))
          .type(DID_RESOLUTION_MEDIA_TYPE)
          .send(
            JSON.stringify({ code: error.code, message: error.message, ...resolutionError(error) }),
          );
      }
    },
  );
}

function wantsDocumentOnly(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.includes('application/did+ld+json') || accept.includes('application/did+json');
}
