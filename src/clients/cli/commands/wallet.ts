import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { parseDidUrl } from '../../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import type { Keystore } from '../../keystore/keystore.ts';
import { readPassphrase } from '../../keystore/passphrase.ts';
import {
  answerLoginRequest,
  openLoginRequest,
  parsePresentationRequest,
  presentCredentials,
  receiveCredential,
  summarizeCredential,
  WalletStore,
  sendLoginAnswer,
  walletPath,
} from '../../wallet/index.ts';
import type { CredentialSummary, LoginPrompt } from '../../wallet/index.ts';
import { UsageError } from '../usage-error.ts';
import { withContext } from '../command-kit.ts';
import type { CliContext } from '../context.ts';
import { authenticationSigner } from '../did-keys.ts';
import { didArgument } from './gov.ts';

export async function openWallet(ctx: CliContext): Promise<WalletStore> {
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

/** The signer of a holder key the keystore holds. */
export function keystoreSigner(keys: Keystore) {
  return (kid: string) => {
    const { did, fragment } = parseDidUrl(kid);
    const name = fragment === undefined ? undefined : keys.did(did)?.signingKeys[fragment];
    if (name === undefined) {
      throw new DdiError(ErrorCode.UnknownKey, `the keystore has no key ${kid}`);
    }
    const { type, privateKey } = keys.keyPair(name);
    return { type, privateKey };
  };
}

/** Who asks, in words: the application, and the one a bridge asks for. */
function askerLines(prompt: LoginPrompt): string[] {
  // Through a bridge, the bridge receives the answer and passes the claims on: name both.
  const lines = prompt.relyingParty
    ? [
        `${prompt.verifier.name} (a login bridge) asks you to sign in to ${prompt.relyingParty.name}; it receives your answer and passes it on`,
        `  application  ${prompt.relyingParty.name} (${prompt.relyingParty.did})`,
        `  through      ${prompt.verifier.name} (${prompt.verifier.did})`,
      ]
    : [`${prompt.verifier.name} asks you to sign in`, `  application  ${prompt.verifier.did}`];
  lines.push(`  answer to    ${prompt.request.response_uri}`);
  lines.push(
    prompt.requestedClaims.length
      ? `  it asks for  ${prompt.requestedClaims.join(', ')}`
      : '  it asks for  no claims (sign-in only)',
  );
  return lines;
}

/** The claims the person agrees to share: --consent, --yes (all), or asked one by one. */
async function consentedClaims(
  ctx: CliContext,
  prompt: LoginPrompt,
  options: { consent?: string; yes?: boolean; none?: boolean },
): Promise<string[]> {
  const given = [options.consent !== undefined, options.yes === true, options.none === true];
  if (given.filter(Boolean).length > 1) {
    throw new UsageError('give one of --consent, --yes and --none');
  }
  if (options.none) return [];
  if (options.yes) return prompt.requestedClaims;
  if (options.consent !== undefined) {
    return options.consent
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
  }
  if (prompt.requestedClaims.length === 0) return [];
  if (!process.stdin.isTTY) {
    throw new UsageError(
      'say which claims to share: --consent a,b, --yes (all asked for) or --none; or run in a terminal to be asked',
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const chosen: string[] = [];
    for (const claim of prompt.requestedClaims) {
      const answer = await rl.question(`share ${claim}? [y/N] `);
      if (/^y(es)?$/i.test(answer.trim())) chosen.push(claim);
    }
    return chosen;
  } finally {
    rl.close();
  }
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
        const response = presentCredentials(request, offered, keystoreSigner(keys));
        // The vp_token is the output in both modes: it is what goes to the verifier.
        ctx.print(response, () => JSON.stringify(response, null, 2));
      }),
    );
  wallet
    .command('login')
    .description(
      'sign in to an application: check who asks (app registry), consent to claims, answer (OpenID4VP + SIOPv2)',
    )
    .argument('<request-uri>', 'the openid4vp://… link or QR code content the application shows')
    .option('--holder <did>', 'sign in as this DID (default: the only one)')
    .option('--consent <claims>', 'share these claims (comma-separated), and no others')
    .option('--yes', 'share every claim asked for')
    .option('--none', 'share no claims: sign in only')
    .action(
      withContext(
        async (
          ctx,
          uri: string,
          options: { holder?: string; consent?: string; yes?: boolean; none?: boolean },
        ) => {
          const prompt = await openLoginRequest(uri, ctx.client());
          ctx.note(askerLines(prompt).join('\n'));
          const consent = await consentedClaims(ctx, prompt, options);
          const keys = await ctx.keystore(false);
          const did = holderDid(keys, options.holder);
          const holderKid = (await authenticationSigner(ctx.client(), keys, did)).kid;
          const credentials = consent.length ? (await openWallet(ctx)).credentials() : [];
          const answer = answerLoginRequest(prompt, {
            holderKid,
            signerFor: keystoreSigner(keys),
            credentials,
            consent,
          });
          const sent = await sendLoginAnswer(prompt, answer);
          const application = prompt.relyingParty ?? prompt.verifier;
          const value = {
            application: application.did,
            name: application.name,
            ...(prompt.relyingParty ? { through: prompt.verifier.did } : {}),
            holder: did,
            shared: consent,
            ...(sent.redirectUri ? { redirectUri: sent.redirectUri } : {}),
          };
          ctx.print(value, () => [
            `signed in to ${application.name} as ${did}`,
            `  shared       ${consent.length ? consent.join(', ') : 'no claims'}`,
            ...(sent.redirectUri ? [`  continue at  ${sent.redirectUri}`] : []),
          ]);
        },
      ),
    );
  return wallet;
}
