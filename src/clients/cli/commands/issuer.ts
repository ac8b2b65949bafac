import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import qrcode from 'qrcode-terminal';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { startIssuer } from '../../../services/issuer/index.ts';
import { collect, withContext } from '../command-kit.ts';
import type { CliContext } from '../context.ts';
import { currentDid, ownDidSigner } from '../did-keys.ts';
import { didArgument } from './gov.ts';

export const DEFAULT_ISSUER_URL = 'http://127.0.0.1:7080';

/** The operator token: DDI_ISSUER_TOKEN, shared by `issuer start` and `issuer offer`. */
function operatorToken(ctx: CliContext): string | undefined {
  return ctx.env.DDI_ISSUER_TOKEN || undefined;
}

/** The issuer's assertionMethod key from the keystore: what signs its credentials. */
export async function issuerSigningKey(ctx: CliContext, did: string) {
  const store = await ctx.keystore(false);
  const record = store.did(did);
  const { content } = await currentDid(ctx.client(), did);
  for (const fragment of content.assertionMethod ?? []) {
    const name = record?.signingKeys[fragment];
    const stored = name === undefined ? undefined : store.key(name);
    const method = content.verificationMethod.find((vm) => vm.id === fragment);
    // Compare keys, not names: the keystore may lag behind the ledger after a rotation.
    if (stored && method && stored.publicKeyMultibase === method.publicKeyMultibase) {
      const keyPair = store.keyPair(stored.name);
      return {
        kid: `${did}#${fragment}`,
        signer: { type: keyPair.type, privateKey: keyPair.privateKey },
      };
    }
  }
  throw new DdiError(
    ErrorCode.UnknownKey,
    `the keystore holds no current assertionMethod key of ${did}`,
  );
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DdiError(
      code ? ErrorCode.NotFound : ErrorCode.Malformed,
      code ? `cannot read ${path}: ${code}` : `${path} is not JSON`,
    );
  }
}

/** `ddi issuer …`: run an OpenID4VCI credential issuer, make offers. */
export function issuerCommand(): Command {
  const issuer = new Command('issuer').description('an OpenID4VCI credential issuer');

  issuer
    .command('start')
    .description('serve OpenID4VCI for an accredited issuer DID whose key is in the keystore')
    .requiredOption('--issuer <did>', 'the issuer DID')
    .requiredOption('--template <id>', 'a template of the issuer to offer (repeatable)', collect)
    .option('--port <port>', 'port (default 7080)', '7080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--public-url <url>', 'the Credential Issuer Identifier when behind a proxy')
    .option(
      '--data-dir <dir>',
      'keep a status list here: its id (created on the ledger if none) and the index allocator; every credential then gets a random index, served at <url>/status/<listId>',
    )
    .action(
      withContext(
        async (
          ctx,
          options: {
            issuer: string;
            template: string[];
            port: string;
            host: string;
            publicUrl?: string;
            dataDir?: string;
          },
        ) => {
          const did = didArgument(options.issuer);
          const port = Number(options.port);
          if (!Number.isInteger(port) || port < 0 || port > 65535) {
            throw new DdiError(ErrorCode.Malformed, `--port must be a port number`);
          }
          let token = operatorToken(ctx);
          if (!token) {
            token = randomBytes(24).toString('base64url');
            ctx.note(`operator token (set DDI_ISSUER_TOKEN to choose one): ${token}`);
          }
          const running = await startIssuer({
            issuerDid: did,
            signingKey: await issuerSigningKey(ctx, did),
            ledger: ctx.client(),
            templateIds: options.template,
            operatorToken: token,
            host: options.host,
            port,
            ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
            ...(options.dataDir
              ? {
                  status: {
                    dataDir: options.dataDir,
                    createList: async () =>
                      ctx.client().createStatusList({
                        signer: await ownDidSigner(ctx.client(), await ctx.keystore(false), did),
                      }),
                  },
                }
              : {}),
          });
          const statusListId = running.statusListId;
          ctx.print(
            {
              url: running.url,
              issuer: did,
              templates: options.template,
              ...(statusListId ? { statusList: statusListId } : {}),
            },
            () => [
              `ddi issuer ${did} listening on ${running.url} (node ${ctx.nodeUrl})`,
              ...(statusListId
                ? [
                    `status list ${statusListId} at ${running.url}/status/${statusListId}; revoke with: ddi status revoke --issuer ${did} --list ${statusListId} --index N`,
                  ]
                : []),
            ],
          );
          const stop = (): void => {
            void running.close().finally(() => process.exit(0));
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        },
      ),
    );

  issuer
    .command('offer')
    .description('offer a credential: prints the openid-credential-offer:// URI (and a QR code)')
    .requiredOption('--template <id>', 'the template')
    .requiredOption('--claims <file.json>', "the holder's claims (checked against the template)")
    .option('--holder <did>', 'only this DID may redeem the offer')
    .option('--tx-code', 'also require a one-time code, printed here for the holder')
    .option(
      '--issuer-url <url>',
      `the issuer service (DDI_ISSUER_URL, default ${DEFAULT_ISSUER_URL})`,
    )
    .action(
      withContext(
        async (
          ctx,
          options: {
            template: string;
            claims: string;
            holder?: string;
            txCode?: boolean;
            issuerUrl?: string;
          },
        ) => {
          const token = operatorToken(ctx);
          if (!token) {
            throw new DdiError(
              ErrorCode.Unauthorized,
              'set DDI_ISSUER_TOKEN to the operator token `ddi issuer start` uses',
            );
          }
          const base = (options.issuerUrl || ctx.env.DDI_ISSUER_URL || DEFAULT_ISSUER_URL).replace(
            /\/$/,
            '',
          );
          const body = {
            template: options.template,
            claims: readJson(options.claims),
            ...(options.holder ? { holder: didArgument(options.holder) } : {}),
            ...(options.txCode ? { txCode: true } : {}),
          };
          let response: Response;
          try {
            response = await fetch(`${base}/offers`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify(body),
            });
          } catch (err) {
            const cause = (err as { cause?: { code?: string } }).cause;
            throw new DdiError(
              ErrorCode.Unavailable,
              `cannot reach the issuer at ${base}: ${cause?.code ?? String(err)}`,
            );
          }
          const result = (await response.json()) as Record<string, unknown>;
          if (!response.ok) {
            const code = Object.values(ErrorCode).includes(result.code as ErrorCode)
              ? (result.code as ErrorCode)
              : ErrorCode.Internal;
            throw new DdiError(
              code,
              String(result.message ?? response.statusText),
              result.details as Record<string, unknown> | undefined,
            );
          }
          const uri = String(result.offer_uri);
          ctx.print(result, () => {
            const lines = [uri];
            if (result.tx_code) lines.push(`tx_code ${String(result.tx_code)} (tell the holder)`);
            return lines;
          });
          // A QR code only for a person at a terminal: never in pipes or --json output.
          if (!ctx.json && process.stdout.isTTY) {
            qrcode.generate(uri, { small: true }, (art) => process.stdout.write(`${art}\n`));
          }
        },
      ),
    );
  return issuer;
}
