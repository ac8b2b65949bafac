import { Command, Option } from 'commander';
import { ORGANIZATION_KINDS } from '../../../core/org/organization-kind.ts';
import type { OrganizationKind } from '../../../core/org/organization-kind.ts';
import type { OrganizationRecord } from '../../../ledger/registries/organization-registry.ts';
import type { Transaction } from '../../../ledger/transaction.ts';
import type { RegistrySigner, TransactionResult } from '../../sdk/index.ts';
import { withContext } from '../command-kit.ts';
import type { CliContext } from '../context.ts';
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

interface RegistrarOptions extends GovernanceSigningOptions {
  agency?: string;
  governance?: boolean;
}

/** `ddi org …`: organizations by unified social credit code. */
export function orgCommand(): Command {
  const org = new Command('org').description(
    'organizations: bind a unified social credit code to a primary DID',
  );

  withGovernanceSigningOptions(
    org
      .command('register')
      .description(
        'register an organization (as an identity verification agency, or the regulator)',
      )
      .requiredOption('--uscc <code>', 'unified social credit code (18 characters)')
      .requiredOption('--did <did>', 'its primary DID')
      .addOption(
        new Option('--kind <kind>', 'default: what the code says').choices(ORGANIZATION_KINDS),
      )
      .option('--agency <did>', 'your identity verification agency DID (its key signs)')
      .option('--governance', "sign with the regulator's governance keys instead"),
  ).action(
    withContext(
      async (
        ctx,
        options: RegistrarOptions & { uscc: string; did: string; kind?: OrganizationKind },
      ) => {
        const uscc = usccOption(options.uscc);
        const did = didArgument(options.did);
        const parameters = { uscc, did, ...(options.kind ? { kind: options.kind } : {}) };
        await asRegistrar(
          ctx,
          options,
          (signer) => ctx.client().prepareRegisterOrganization({ ...parameters, signer }),
          (result) => ({
            value: { uscc, did },
            human: `registered ${uscc} with primary DID ${did} (${blockNote(result)})`,
          }),
        );
      },
    ),
  );

  withGovernanceSigningOptions(
    org
      .command('deregister')
      .description('end the binding of a code to its primary DID')
      .requiredOption('--uscc <code>', 'unified social credit code')
      .option('--reason <code>', 'a short reason code')
      .option('--agency <did>', 'the identity verification agency that registered it')
      .option('--governance', "sign with the regulator's governance keys instead"),
  ).action(
    withContext(async (ctx, options: RegistrarOptions & { uscc: string; reason?: string }) => {
      const uscc = usccOption(options.uscc);
      await asRegistrar(
        ctx,
        options,
        (signer) =>
          ctx.client().prepareDeregisterOrganization({ uscc, reason: options.reason, signer }),
        (result) => ({ value: { uscc }, human: `deregistered ${uscc} (${blockNote(result)})` }),
      );
    }),
  );

  org
    .command('get')
    .description('an organization by code, or by its primary DID')
    .argument('<uscc-or-did>')
    .action(
      withContext(async (ctx, key: string) => {
        const record = key.startsWith('did:')
          ? await ctx.client().getOrganizationOfDid(didArgument(key))
          : await ctx.client().getOrganization(usccOption(key));
        ctx.print(record, () => organizationLines(record));
      }),
    );
  return org;
}

/** Signs as the agency (its own DID key) or with governance keys, then submits or hands on. */
async function asRegistrar(
  ctx: CliContext,
  options: RegistrarOptions,
  prepare: (signer: RegistrySigner) => Promise<Transaction>,
  describe: (result: TransactionResult) => { value: Record<string, unknown>; human: string },
): Promise<void> {
  if ((options.agency === undefined) === (options.governance !== true)) {
    throw new UsageError('sign as --agency <did> or with --governance (one of them)');
  }
  if (options.governance) {
    const outcome = await signWithGovernanceKeys(ctx, options, prepare);
    printGovernanceOutcome(ctx, outcome, options.out, describe);
    return;
  }
  if (options.signOnly || options.signers !== undefined || options.out !== undefined) {
    throw new UsageError('--signers, --sign-only and --out go with --governance');
  }
  const client = ctx.client();
  const signer = await ownDidSigner(
    client,
    await ctx.keystore(false),
    didArgument(options.agency!),
  );
  const result = await client.submitTransaction({ transaction: await prepare(signer) });
  const { value, human } = describe(result);
  ctx.print({ ...value, txId: result.txId, status: result.status }, () => human);
}

/** Codes are signed as written: uppercase them here, where a person typed them. */
function usccOption(value: string): string {
  return value.trim().toUpperCase();
}

function organizationLines(record: OrganizationRecord): string[] {
  return [
    `uscc      ${record.uscc}`,
    `kind      ${record.kind}`,
    `primary   ${record.primaryDid ?? '(none: deregistered)'}`,
    `by        ${record.registeredBy}`,
    `version   ${record.version}`,
    'history',
    ...record.history.map(
      (h) =>
        `  ${new Date(h.time).toISOString()}  block ${h.height}  ${h.did ?? 'deregistered'}${h.reason ? ` (${h.reason})` : ''}`,
    ),
  ];
}
