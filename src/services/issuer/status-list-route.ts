import type { FastifyInstance } from 'fastify';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import { bitstringStatusListCredential, statusListTokenJwt } from '../status/status-list-token.ts';
import type { IssuerSigningKey } from './credential-builder.ts';
import type { IssuerStatusList } from './issuer-status.ts';

export interface StatusListRouteOptions {
  /** The issuer's lists, when it runs its own (read at request time: set after start). */
  list: () => IssuerStatusList | undefined;
  issuerDid: string;
  signingKey: IssuerSigningKey;
  /** The Credential Issuer Identifier (known once the server listens). */
  issuerUrl: () => string;
  /** Seconds a verifier may cache a served list. */
  ttlSeconds: number;
}

/**
 * `GET /status/<listId>`: one of the issuer's status lists as the ledger holds it now, signed
 * by the issuer — an IETF Token Status List JWT (`application/statuslist+jwt`), or with
 * `?format=bitstring` / `Accept: application/vc+jwt` a W3C BitstringStatusListCredential.
 */
export function statusListRoute(app: FastifyInstance, options: StatusListRouteOptions): void {
  app.get<{
    Params: { listId: string };
    Querystring: { format?: 'token' | 'bitstring'; purpose?: 'revocation' | 'suspension' };
  }>(
    '/status/:listId',
    {
      schema: {
        params: {
          type: 'object',
          required: ['listId'],
          properties: { listId: { type: 'string', maxLength: 100 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            format: { type: 'string', enum: ['token', 'bitstring'] },
            purpose: { type: 'string', enum: ['revocation', 'suspension'] },
          },
        },
      },
    },
    async (request, reply) => {
      const statusList = options.list();
      if (!statusList) {
        throw new DdiError(
          ErrorCode.NotFound,
          `this issuer serves no status list ${request.params.listId}`,
        );
      }
      const { view, packed } = await statusList.read(request.params.listId);
      const signed = {
        owner: options.issuerDid,
        listId: view.listId,
        packed,
        bits: view.bits,
        signer: options.signingKey.signer,
        kid: options.signingKey.kid,
      };
      const uri = `${options.issuerUrl()}/status/${view.listId}`;
      const ttl = options.ttlSeconds;
      const accept = request.headers.accept ?? '';
      void reply.header('cache-control', `max-age=${ttl}`);
      if (request.query.format === 'bitstring' || accept.includes('application/vc+jwt')) {
        const purpose = request.query.purpose ?? 'revocation';
        const credential = bitstringStatusListCredential({
          ...signed,
          uri: purpose === 'revocation' ? uri : `${uri}?format=bitstring&purpose=${purpose}`,
          purpose,
          ttlMs: ttl * 1000,
        });
        return reply.type('application/vc+jwt').send(credential);
      }
      return reply
        .type('application/statuslist+jwt')
        .send(statusListTokenJwt({ ...signed, uri, ttl }));
    },
  );
}
