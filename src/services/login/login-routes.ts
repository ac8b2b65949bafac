import type { FastifyInstance } from 'fastify';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { LoginResult, LoginVerifier } from './login-verifier.ts';

/** Form-encoded bodies (OpenID4VP `direct_post`), at most 1 MiB, as a flat record. */
export function acceptFormBodies(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 1024 * 1024 },
    (_request, body, done) => {
      const record: Record<string, string> = {};
      for (const [key, value] of new URLSearchParams(body as string)) {
        if (key in record) {
          done(new DdiError(ErrorCode.Malformed, `${key} appears twice`), undefined);
          return;
        }
        record[key] = value;
      }
      done(null, record);
    },
  );
}

/**
 * A relying party's two OpenID4VP endpoints: `GET {requestPath}/:id` serves a signed request
 * object; `POST {responsePath}` takes the wallet's direct_post answer. `onLogin` sees each
 * successful login (the bridge continues its interaction there).
 */
export function loginVerifierRoutes(
  app: FastifyInstance,
  verifier: LoginVerifier,
  paths: { requestPath: string; responsePath: string },
  onLogin: (result: LoginResult) => void = () => {},
): void {
  app.get<{ Params: { id: string } }>(
    `${paths.requestPath}/:id`,
    {
      schema: {
        summary: 'A signed OpenID4VP request object (typ oauth-authz-req+jwt)',
        tags: ['login'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
        },
      },
    },
    async (request, reply) => {
      const jwt = verifier.requestObject(request.params.id);
      reply
        .header('content-type', 'application/oauth-authz-req+jwt')
        .header('cache-control', 'no-store');
      return jwt;
    },
  );

  app.post<{ Body: Record<string, unknown> }>(
    paths.responsePath,
    {
      schema: {
        summary: 'The wallet’s answer (direct_post): state, id_token, vp_token',
        tags: ['login'],
        body: {
          type: 'object',
          required: ['state', 'id_token'],
          properties: {
            state: { type: 'string', minLength: 1, maxLength: 200 },
            id_token: { type: 'string', minLength: 1 },
            vp_token: { type: 'string', minLength: 1 },
          },
        },
      },
    },
    async (request, reply) => {
      const { result, redirectUri } = await verifier.handleResponse(request.body);
      onLogin(result);
      reply.header('cache-control', 'no-store');
      // OpenID4VP §8.2: same-device, the wallet sends the browser on to redirect_uri.
      return redirectUri !== undefined ? { redirect_uri: redirectUri } : {};
    },
  );
}
