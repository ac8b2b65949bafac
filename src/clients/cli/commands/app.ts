import { Command } from 'commander';
import type { ApplicationStanding } from '../../../ledger/registries/application-registry.ts';
import { collect, withContext } from '../command-kit.ts';
import type { CliContext } from '../context.ts';
import type { GovernanceSigners } from '../../sdk/index.ts';
import type { Transaction } from '../../../ledger/transaction.ts';
import { ownDidSigner } from '../did-keys.ts';
import type { GovernanceSigningOptions } from '../governance-keys.ts';
import {
  blockNote,
  printGovernanceOutcome,
  signWithGovernanceKeys,
  withGovernanceSigningOptions,
} from '../governance-keys.ts';
import { UsageError } from '../usage-error.ts';
import { didArgument } from './gov.ts';

/** `ddi app …`: application service providers that sign people in with their DID. */
export function appCommand(): Command {
  const app = new Command('app').description(
    'application service providers: register (as the application), show, suspend and reinstate (regulator)',
  );

  app
    .command('register')
    .description("register an application under its own DID (the DID's key signs)")
    .argument('<did>', "the application's DID (in the keystore)")
    .requiredOption('--name <name>', 'the public name wallets show')
    .requiredOption(
      '--redirect-uri <uri>',
      'where login responses may go (repeatable; https, or http on loopback)',
      collect,
      [],
    )
    .action(
      withContext(async (ctx, did: string, options: { name: string; redirectUri: string[] }) => {
        const subject = didArgument(did);
        const client = ctx.client();
        const signer = await ownDidSigner(client, await ctx.keystore(false), subject);
        const result = await client.registerApplication({
          name: options.name,
          redirectUris: options.redirectUri,
          signer,
        });
        ctx.print(
          { did: subject, name: options.name, txId: result.txId, status: result.status },
          () => `registered application ${options.name} (${subject}) (${blockNote(result)})`,
        );
      }),
    );

  app
    .command('update')
    .description('change the name or the redirect URIs (the list replaces the old one)')
    .argument('<did>', "the application's DID (in the keystore)")
    .option('--name <name>', 'the new public name')
    .option('--redirect-uri <uri>', 'the new redirect URIs (repeatable)', collect, [])
    .action(
      withContext(async (ctx, did: string, options: { name?: string; redirectUri: string[] }) => {
        if (options.name === undefined && options.redirectUri.length === 0) {
          throw new UsageError('change --name and/or --redirect-uri');
        }
        const subject = didArgument(did);
        const client = ctx.client();
        const signer = await ownDidSigner(client, await ctx.keystore(false), subject);
        const result = await client.updateApplication({
          ...(options.name !== undefined ? { name: options.name } : {}),
          ...(options.redirectUri.length ? { redirectUris: options.redirectUri } : {}),
          signer,
        });
        ctx.print(
          { did: subject, txId: result.txId, status: result.status },
          () => `updated application ${subject} (${blockNote(result)})`,
        );
      }),
    );

  app
    .command('show')
    .description('an application: name, redirect URIs, status, and whether it may sign people in')
    .argument('<did>')
    .action(
      withContext(async (ctx, did: string) => {
        const standing = await ctx.client().getApplication(didArgument(did));
        ctx.print(standing, () => applicationLines(standing));
      }),
    );

  for (const [name, status, verb] of [
    ['suspend', 'suspended', 'suspended'],
    ['reinstate', 'active', 'reinstated'],
  ] as const) {
    withGovernanceSigningOptions(
      app
        .command(name)
        .description(`${name} an application (the regulator's governance keys sign)`)
        .argument('<did>')
        .option('--reason <code>', 'a short reason code'),
    ).action(
      withContext(
        async (ctx, did: string, options: GovernanceSigningOptions & { reason?: string }) => {
          const subject = didArgument(did);
          const outcome = await signWithGovernanceKeys(ctx, options, (signer) =>
            ctx.client().prepareSetApplicationStatus({
              did: subject,
              status,
              ...(options.reason ? { reason: options.reason } : {}),
              signer,
            }),
          );
          printGovernanceOutcome(ctx, outcome, options.out, (result) => ({
            value: { did: subject, applicationStatus: status },
            human: `${verb} application ${subject} (${blockNote(result)})`,
          }));
        },
      ),
    );
  }

  regulatorSwitch(app, {
    name: 'require-accreditation',
    description:
      'the application signs people in only while accredited as applicationServiceProvider (regulator)',
    offFlag: '--waive',
    offDescription: 'lift the requirement instead',
    field: 'accreditationRequired',
    words: ['accreditation required', 'accreditation waived'],
    prepare: (ctx, did, on, reason, signer) =>
      ctx.client().prepareRequireApplicationAccreditation({
        did,
        required: on,
        ...(reason ? { reason } : {}),
        signer,
      }),
  });
  regulatorSwitch(app, {
    name: 'set-bridge',
    description:
      'authorize the application as a login bridge, which asks wallets for other applications (regulator)',
    offFlag: '--revoke',
    offDescription: 'withdraw the authorization instead',
    field: 'bridge',
    words: ['login bridge authorized', 'login bridge revoked'],
    prepare: (ctx, did, on, reason, signer) =>
      ctx.client().prepareSetApplicationBridge({
        did,
        bridge: on,
        ...(reason ? { reason } : {}),
        signer,
      }),
  });
  return app;
}

function applicationLines(standing: ApplicationStanding): string[] {
  const { application: a, accreditation } = standing;
  return [
    `name       ${a.name}`,
    `did        ${a.did}`,
    `status     ${a.status}`,
    `sign-in    ${standing.mayAuthenticate ? 'allowed' : `refused (${standing.refusal})`}`,
    `bridge     ${a.bridge === true ? 'yes (may ask wallets for other applications)' : 'no'}`,
    `accredited ${accreditation.held ? 'yes' : `no (${accreditation.reason})`}${accreditation.required ? ' — required' : ''}`,
    'redirect URIs',
    ...a.redirectUris.map((u) => `  ${u}`),
    `version    ${a.version}`,
  ];
}

/** A regulator's on/off switch on an application (`<name> <did> [--off-flag] [--reason]`). */
function regulatorSwitch(
  app: Command,
  spec: {
    name: string;
    description: string;
    offFlag: string;
    offDescription: string;
    field: string;
    words: [on: string, off: string];
    prepare: (
      ctx: CliContext,
      did: string,
      on: boolean,
      reason: string | undefined,
      signer: GovernanceSigners,
    ) => Promise<Transaction>;
  },
): void {
  const offKey = spec.offFlag.slice(2);
  withGovernanceSigningOptions(
    app
      .command(spec.name)
      .description(spec.description)
      .argument('<did>')
      .option(spec.offFlag, spec.offDescription)
      .option('--reason <code>', 'a short reason code'),
  ).action(
    withContext(
      async (ctx, did: string, options: GovernanceSigningOptions & Record<string, unknown>) => {
        const subject = didArgument(did);
        const on = options[offKey] !== true;
        const reason = typeof options.reason === 'string' ? options.reason : undefined;
        const outcome = await signWithGovernanceKeys(ctx, options, (signer) =>
          spec.prepare(ctx, subject, on, reason, signer),
        );
        printGovernanceOutcome(ctx, outcome, options.out, (result) => ({
          value: { did: subject, [spec.field]: on },
          human: `${subject}: ${spec.words[on ? 0 : 1]} (${blockNote(result)})`,
        }));
      },
    ),
  );
}
