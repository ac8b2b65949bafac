import { Command, Option } from 'commander';
import type { StatusListPurpose } from '../../../ledger/registries/status-registry.ts';
import { STATUS_LIST_PURPOSES } from '../../../ledger/registries/status-registry.ts';
import type { TransactionResult } from '../../sdk/index.ts';
import { withContext } from '../command-kit.ts';
import type { CliContext } from '../context.ts';
import { ownDidSigner } from '../did-keys.ts';
import { blockNote } from '../governance-keys.ts';
import { UsageError } from '../usage-error.ts';
import { didArgument } from './gov.ts';

/** A non-negative decimal integer option; anything else is a usage error. */
function integerOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,14})$/.test(value)) {
    throw new UsageError(`${flag} is a non-negative integer, got "${value}"`);
  }
  return Number(value);
}

/** Status changes from the CLI: how each verb reads, and which SDK action it calls. */
const CHANGES = [
  ['revoke', 'revoked', 'revoke a credential for good (revocation is final)'],
  ['suspend', 'suspended', 'suspend a credential (reinstate lifts it)'],
  ['reinstate', 'valid', 'make a suspended credential valid again'],
] as const;

/** `ddi status …`: an issuer's credential status lists on the ledger. */
export function statusCommand(): Command {
  const status = new Command('status').description(
    'credential status lists: create one as an issuer, revoke, suspend, reinstate, read',
  );

  status
    .command('create')
    .description('create a status list (as an accredited credential issuer); prints its id')
    .requiredOption('--issuer <did>', 'your issuer DID (its key signs; it owns the list)')
    .option('--size <n>', 'entries: a power of two from 131072 (default) to 1048576')
    .addOption(
      new Option('--purpose <purpose>', 'what the entries record')
        .choices(STATUS_LIST_PURPOSES)
        .default('revocation+suspension'),
    )
    .option('--list-id <id>', 'the list id, 8-64 base64url characters (default: random)')
    .action(
      withContext(
        async (
          ctx,
          options: { issuer: string; size?: string; purpose: StatusListPurpose; listId?: string },
        ) => {
          const issuer = didArgument(options.issuer);
          const size = integerOption(options.size, '--size');
          const client = ctx.client();
          const signer = await ownDidSigner(client, await ctx.keystore(false), issuer);
          const result = await client.createStatusList({
            signer,
            purpose: options.purpose,
            // A revocation-only list needs one bit per entry; the others need two.
            bits: options.purpose === 'revocation' ? 1 : 2,
            ...(size === undefined ? {} : { size }),
            ...(options.listId === undefined ? {} : { listId: options.listId }),
          });
          ctx.note(`created status list ${result.listId} of ${issuer} (${blockNote(result)})`);
          ctx.print(
            {
              owner: result.owner,
              listId: result.listId,
              purpose: options.purpose,
              txId: result.txId,
              status: result.status,
            },
            () => result.listId,
          );
        },
      ),
    );

  for (const [verb, newStatus, description] of CHANGES) {
    status
      .command(verb)
      .description(description)
      .requiredOption('--issuer <did>', 'the list owner (its key signs)')
      .requiredOption('--list <id>', 'the status list id')
      .requiredOption('--index <n>', "the credential's index in the list")
      .action(
        withContext(async (ctx, options: { issuer: string; list: string; index: string }) => {
          const issuer = didArgument(options.issuer);
          const index = integerOption(options.index, '--index')!;
          const client = ctx.client();
          const signer = await ownDidSigner(client, await ctx.keystore(false), issuer);
          const result = await client.setCredentialStatus({
            signer,
            listId: options.list,
            changes: [{ index, status: newStatus }],
          });
          printChange(ctx, result, { owner: issuer, listId: options.list, index, newStatus });
        }),
      );
  }

  status
    .command('get')
    .description("a status list's record, or with --index one entry's status")
    .argument('<owner>', "the issuer's DID")
    .argument('<listId>')
    .option('--index <n>', 'one entry')
    .action(
      withContext(async (ctx, owner: string, listId: string, options: { index?: string }) => {
        const did = didArgument(owner);
        const index = integerOption(options.index, '--index');
        const client = ctx.client();
        if (index !== undefined) {
          const entry = await client.getCredentialStatus(did, listId, index);
          ctx.print({ owner: did, listId, ...entry }, () => entry.status);
          return;
        }
        const list = await client.getStatusList(did, listId);
        ctx.print(list, () => [
          `list      ${list.listId} of ${list.owner}`,
          `purpose   ${list.purpose}, ${list.size} entries of ${list.bits} bit(s)`,
          `version   ${list.version} (block ${list.updatedHeight})`,
        ]);
      }),
    );
  return status;
}

function printChange(
  ctx: CliContext,
  result: TransactionResult,
  change: { owner: string; listId: string; index: number; newStatus: string },
): void {
  ctx.print(
    {
      owner: change.owner,
      listId: change.listId,
      index: change.index,
      status: change.newStatus,
      txId: result.txId,
      tx: result.status,
    },
    () => `${change.listId}[${change.index}] is ${change.newStatus} (${blockNote(result)})`,
  );
}
