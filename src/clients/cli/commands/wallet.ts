import { existsSync, readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { parseDidUrl } from '../../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import type { Keystore } from '../../keystore/keystore.ts';
import { readPassphrase } from '../../keystore/passphrase.ts';
import {
  parsePresentationRequest,
  presentCredentials,
  receiveCredential,
  summarizeCredential,
  WalletStore,
  walletPath,
} from '../../wallet/index.ts';
import type { CredentialSummary } from '../../wallet/index.ts';
import { withContext } from '../command-kit.ts';
import type { CliContext } from '../context.ts';
import { authenticationSigner } from '../did-keys.ts';
import { didArgument } from './gov.ts';

async function openWallet(ctx: CliContext): Promise<WalletStore> {
  // --wallet belongs to `ddi wallet`; the context holds every option up the command tree.
  const { wallet } = ctx.options as { wallet?: string };
  const path = walletPath(wallet, ctx.keystorePath, ctx.env);
  // The wallet shares the keystore's passphrase: one secret unlocks the holder's keys and credentials.
  const passphrase = await readPassphrase({ env: ctx.env, confirm: !existsSync(path) });
  return WalletStore.open(path, passphrase);
}

/** The holder DID: --holder, else the keystore's only DID. */
function holderDid(store: Keystore, option: string | undefined): string {
  if (option) return didArgument(option);
  const dids = store.dids().filter((d) => !d.deactivated);
  if (dids.length !== 1) {
    throw new DdiError(
      ErrorCode.Malformed,
      `name the holder with --holder: the keystore has ${dids.length} DIDs`,
    );
  }
  return dids[0]!.did;
}

function summaryLines(s: CredentialSummary): string[] {
  return [
    `${s.id}  ${s.type}  (${s.format})`,
    `  issuer   ${s.issuer}`,
    `  issued   ${s.issuedAt ?? '-'}   expires ${s.expires ?? '-'}`,
    s.claims
      ? `  claims   ${Object.entries(s.claims)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(', ')}`
      : `  claims   ${s.claimNames.join(', ')}`,
  ];
}

/** `ddi wallet …`: a holder's credentials (OpenID4VCI receive, DCQL presentations). */
export function walletCommand(): Command {
  const wallet = new Command('wallet')
    .description("a holder's credentials, encrypted beside the keystore")
    .option('--wallet <path>', 'wallet file (DDI_WALLET, default wallet.json beside the keystore)');

  wallet
    .command('receive')
    .description('receive a credential from an openid-credential-offer:// URI')
    .argument('<offer-uri>')
    .option('--holder <did>', 'the DID the credential is bound to (default: the only one)')
    .addOption(
      new Option('--format <format>', 'credential format').choices(['dc+sd-jwt', 'jwt_vc_json']),
    )
    .option('--tx-code <code>', 'the one-time code the issuer sent you')
    .action(
      withContext(
        async (
          ctx,
          offerUri: string,
          options: {
            holder?: string;
            format?: 'dc+sd-jwt' | 'jwt_vc_json';
            txCode?: string;
          },
        ) => {
          const keys = await ctx.keystore(false);
          const did = holderDid(keys, options.holder);
          const holder = await authenticationSigner(ctx.client(), keys, did);
          const received = await receiveCredential({
            offerUri,
            holder: { kid: holder.kid, keyPair: holder.keyPair },
            ...(options.format ? { format: options.format } : {}),
            ...(options.txCode ? { txCode: options.txCode } : {}),
          });
          const store = await openWallet(ctx);
          const stored = store.add(received);
          store.save();
          const summary = summarizeCredential(stored);
          ctx.print(summary, () => [
            `received ${summary.type} from ${summary.issuer}`,
            ...summaryLines(summary),
          ]);
        },
      ),
    );

  wallet
    .command('list')
    .description('the credentials: type, issuer, dates and claim names')
    .option('--show', 'also show claim values')
    .action(
      withContext(async (ctx, options: { show?: boolean }) => {
        const store = await openWallet(ctx);
        const summaries = store
          .credentials()
          .map((c) => summarizeCredential(c, options.show === true));
        ctx.print(summaries, () =>
          summaries.length === 0 ? ['the wallet is empty'] : summaries.flatMap(summaryLines),
        );
      }),
    );

  wallet
    .command('show')
    .description('one credential with its claims and the credential itself')
    .argument('<id>', 'its id (or a unique prefix)')
    .action(
      withContext(async (ctx, id: string) => {
        const store = await openWallet(ctx);
        const stored = store.credential(id);
        const summary = summarizeCredential(stored, true);
        ctx.print(
          { ...summary, holderKid: stored.holderKid, credential: stored.credential },
          () => [
            ...summaryLines(summary),
            `  holder   ${stored.holderKid}`,
            `  from     ${stored.issuerUrl} (${stored.credentialConfigurationId})`,
            stored.credential,
          ],
        );
      }),
    );

  wallet
    .command('present')
    .description('answer {nonce, client_id, dcql_query}: prints {vp_token}')
    .requiredOption('--request <file.json|json>', 'the presentation request, a file or inline JSON')
    .option(
      '--credential <id>',
      'answer with this credential only (its id or a unique prefix; default: the first that matches)',
    )
    .action(
      withContext(async (ctx, options: { request: string; credential?: string }) => {
        const text = options.request.trimStart().startsWith('{')
          ? options.request
          : readFileSync(options.request, 'utf8');
        let input: unknown;
        try {
          input = JSON.parse(text);
        } catch {
          throw new DdiError(ErrorCode.Malformed, 'the request is not JSON');
        }
        const request = parsePresentationRequest(input);
        const store = await openWallet(ctx);
        const keys = await ctx.keystore(false);
        const offered =
          options.credential === undefined
            ? store.credentials()
            : [store.credential(options.credential)];
        const response = presentCredentials(request, offered, (kid) => {
          const { did, fragment } = parseDidUrl(kid);
          const name = fragment === undefined ? undefined : keys.did(did)?.signingKeys[fragment];
          if (name === undefined) {
            throw new DdiError(ErrorCode.UnknownKey, `the keystore has no key ${kid}`);
          }
          const { type, privateKey } = keys.keyPair(name);
          return { type, privateKey };
        });
        // The vp_token is the output in both modes: it is what goes to the verifier.
        ctx.print(response, () => JSON.stringify(response, null, 2));
      }),
    );
  return wallet;
}
