import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { remoteVerificationContext } from '../../../services/verifier/remote-verification-context.ts';
import { collect, withContext } from '../command-kit.ts';
import { didArgument } from './gov.ts';
import { issuerSigningKey } from './issuer.ts';

/** The pairwise secret: 32 bytes kept in a file (0600), made on first start. */
function pairwiseSecretFile(path: string): Uint8Array {
  if (existsSync(path)) {
    const secret = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64url');
    if (secret.length !== 32) {
      throw new DdiError(ErrorCode.Corrupt, `${path} does not hold a 32-byte secret (base64url)`);
    }
    return secret;
  }
  const secret = randomBytes(32);
  writeFileSync(path, `${secret.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

/** `ddi bridge start`: the OpenID Connect login bridge for ordinary applications. */
export function bridgeCommand(): Command {
  const bridge = new Command('bridge').description(
    'the login bridge: an OpenID Connect provider whose users sign in with their ddi wallet',
  );
  bridge
    .command('start')
    .description(
      'serve OpenID Connect for the applications of the ledger registry; the bridge DID is itself a registered application',
    )
    .requiredOption('--did <did>', "the bridge's DID (its key in the keystore signs requests)")
    .requiredOption(
      '--template <id>',
      'a credential template whose claims the bridge accepts (repeatable)',
      collect,
    )
    .requiredOption(
      '--secret-file <path>',
      'the pairwise-subject secret (created if missing; keep it: a new one changes every sub)',
    )
    .option('--port <port>', 'port (default 7090)', '7090')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--public-url <url>', 'the issuer URL when behind a proxy')
    .action(
      withContext(
        async (
          ctx,
          options: {
            did: string;
            template: string[];
            secretFile: string;
            port: string;
            host: string;
            publicUrl?: string;
          },
        ) => {
          const did = didArgument(options.did);
          const port = Number(options.port);
          if (!Number.isInteger(port) || port < 0 || port > 65535) {
            throw new DdiError(ErrorCode.Malformed, '--port must be a port number');
          }
          // Loaded on use: oidc-provider (and its Node-version notice) stays out of every other command.
          const { startLoginBridge } = await import('../../../services/bridge/login-bridge.ts');
          const client = ctx.client();
          const templates = await Promise.all(options.template.map((id) => client.getTemplate(id)));
          const running = await startLoginBridge({
            bridgeDid: did,
            signingKey: await issuerSigningKey(ctx, did),
            ledger: client,
            verification: remoteVerificationContext(client, options.template),
            pairwiseSecret: pairwiseSecretFile(options.secretFile),
            credentialTypes: [...new Set(templates.map((t) => t.template.credentialType))],
            host: options.host,
            port,
            ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
          });
          const standing = await client.getApplication(did).catch(() => undefined);
          const responseUri = `${running.url}/openid4vp/response`;
          if (!standing?.application.redirectUris.includes(responseUri)) {
            ctx.note(
              `warning: wallets refuse this bridge until ${did} is a registered application with redirect URI ${responseUri}`,
            );
          }
          ctx.print({ url: running.url, did, templates: options.template }, () => [
            `ddi login bridge ${did} listening on ${running.url} (node ${ctx.nodeUrl})`,
            `applications discover it at ${running.url}/.well-known/openid-configuration`,
          ]);
          const stop = (): void => {
            void running.close().finally(() => process.exit(0));
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        },
      ),
    );
  return bridge;
}
