import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { LedgerNode } from '../../ledger/ledger-node.ts';
import { MAX_TRANSACTION_BYTES } from '../../ledger/transaction.ts';
import { allSchemas } from './schemas.ts';
import { httpStatusFor, toDdiError } from './error-status.ts';
import { identifierRoutes } from './routes/identifiers.ts';
import { transactionRoutes } from './routes/transactions.ts';
import { blockRoutes } from './routes/blocks.ts';
import { nodeStatusRoutes } from './routes/node-status.ts';
import { proofRoutes } from './routes/proofs.ts';
import { verifierRoutes } from './routes/verifier.ts';
import { PresentationVerifier } from '../verifier/presentation-verifier.ts';
import { ledgerVerificationContext } from '../verifier/ledger-verification-context.ts';
import { governanceRoutes } from './routes/governance.ts';
import { trustRoutes } from './routes/trust.ts';
import { templateRoutes } from './routes/templates.ts';
import { organizationRoutes } from './routes/organizations.ts';
import { realNameRoutes } from './routes/real-name.ts';
import { statusListRoutes } from './routes/status-lists.ts';
import { consentRoutes } from './routes/consents.ts';
import { deviceRoutes } from './routes/devices.ts';
import { DeviceAuthenticator } from '../device-auth/device-authenticator.ts';
import { applicationRoutes } from './routes/applications.ts';

export interface HttpServerOptions {
  logger?: boolean;
  /** The audience presentations to this node's verifier must name (default ddi-verifier:<chain>). */
  verifierClientId?: string;
}

/**
 * The node's HTTP API. Every route declares JSON Schemas; the OpenAPI document at
 * /openapi.json is generated from them. Errors leave as {code, message} via error-status.ts.
 */
export async function buildHttpServer(
  node: LedgerNode,
  options: HttpServerOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // A transaction is at most 64 KiB canonical; leave room for whitespace, refuse more.
    bodyLimit: MAX_TRANSACTION_BYTES * 2,
    ajv: {
      // Strict input: unknown fields are errors, not silently dropped; no type coercion.
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
        allErrors: false,
      },
    },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ddi node API',
        version: '0.1.0',
        description:
          'did:ddi ledger node: transactions, blocks, DID resolution, governance and the trust registry',
      },
    },
  });
  for (const schema of allSchemas) app.addSchema(schema);

  app.setErrorHandler((err, _request, reply) => {
    const error = toDdiError(err);
    if (error.code === 'internal') app.log.error(err);
    reply.code(httpStatusFor(error.code)).send(error.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      code: 'notFound',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    });
  });

  // A node that diverged from the operators' quorum answers nothing but its status: its
  // state cannot be trusted, and clients should go to another node.
  app.addHook('onRequest', async (request) => {
    if (
      node.divergence &&
      !request.url.startsWith('/v1/status') &&
      !request.url.startsWith('/v1/ping')
    ) {
      node.ensureServing();
    }
  });

  const startedAt = Date.now();
  identifierRoutes(app, node.ledger);
  transactionRoutes(app, node);
  blockRoutes(app, node.ledger);
  nodeStatusRoutes(app, node, startedAt);
  governanceRoutes(app, node.ledger);
  trustRoutes(app, node.ledger);
  templateRoutes(app, node.ledger);
  organizationRoutes(app, node.ledger);
  realNameRoutes(app, node.ledger);
  statusListRoutes(app, node.ledger);
  consentRoutes(app, node.ledger);
  deviceRoutes(app, node.ledger, new DeviceAuthenticator(node.ledger.state));
  applicationRoutes(app, node.ledger);
  proofRoutes(app, node.ledger);
  verifierRoutes(
    app,
    new PresentationVerifier(ledgerVerificationContext(node.ledger), {
      clientId: options.verifierClientId ?? `ddi-verifier:${node.ledger.chainId}`,
    }),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}
