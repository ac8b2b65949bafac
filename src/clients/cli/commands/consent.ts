import { Command } from 'commander';
import {
  DATA_CATEGORIES,
  DATA_CATEGORY_NAMES,
  isDataCategory,
} from '../../../core/consent/data-categories.ts';
import type { DataCategory } from '../../../core/consent/data-categories.ts';
import type { ConsentGrant } from '../../../ledger/registries/consent-registry.ts';
import type { ConsentDecision } from '../../sdk/index.ts';
import { collect, withContext } from '../command-kit.ts';
import type { CliContext } from '../context.ts';
import { ownDidSigner } from '../did-keys.ts';
import { blockNote } from '../governance-keys.ts';
import { parseIsoTime, parseTimeOrDuration } from '../time-input.ts';
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

function categoryOption(value: string): DataCategory {
  if (!isDataCategory(value)) {
    throw new UsageError(
      `--scope must be a data category (${DATA_CATEGORY_NAMES.join(', ')}); see \`ddi consent categories\``,
    );
  }
  return value;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The state of a grant now: its status, or expired / not yet valid while active. */
function stateNow(grant: ConsentGrant, now = Date.now()): string {
  if (grant.status !== 'active') return grant.status;
  if (now >= grant.expires) return 'expired';
  if (now < grant.validFrom) return 'notYetValid';
  return 'active';
}

function grantLine(grant: ConsentGrant): string {
  return [
    grant.grantId,
    stateNow(grant),
    grant.scopes.join(','),
    grant.purpose,
    `${grant.grantor} → ${grant.grantee}`,
    `until ${iso(grant.expires)}`,
  ].join('\t');
}

function decisionLines(decision: ConsentDecision): string[] {
  const grant = decision.grant ? ` (grant ${decision.grant.grantId})` : '';
  return [decision.allowed ? `allowed${grant}` : `refused: ${decision.reason}${grant}`];
}

/** `ddi consent …`: data authorizations a holder grants applications, and their checks. */
export function consentCommand(): Command {
  const consent = new Command('consent').description(
    'data authorization: grant an application access to your data, list, revoke, check',
  );

  consent
    .command('grant')
    .description('grant an application access to categories of your data; prints the grant id')
    .requiredOption('--grantor <did>', 'your DID (its key signs)')
    .requiredOption('--grantee <did>', 'the application (data user) granted access')
    .requiredOption(
      '--scope <category>',
      'a data category (repeatable; a sensitive one alone)',
      collect,
      [],
    )
    .requiredOption('--purpose <purpose>', 'a short purpose code or phrase (no personal data)')
    .requiredOption('--expires <time>', 'end of validity: ISO 8601, or a duration (30d)')
    .option('--not-before <time>', 'start of validity (default: when it is committed)')
    .option('--grant-id <id>', 'the grant id, 8-64 base64url characters (default: random)')
    .action(
      withContext(
        async (
          ctx,
          options: {
            grantor: string;
            grantee: string;
            scope: string[];
            purpose: string;
            expires: string;
            notBefore?: string;
            grantId?: string;
          },
        ) => {
          const grantor = didArgument(options.grantor);
          const grantee = didArgument(options.grantee);
          const scopes = options.scope.map(categoryOption);
          const expires = parseTimeOrDuration(options.expires, '--expires');
          const notBefore =
            options.notBefore === undefined
              ? undefined
              : parseTimeOrDuration(options.notBefore, '--not-before');
          const client = ctx.client();
          const signer = await ownDidSigner(client, await ctx.keystore(false), grantor);
          const result = await client.grantConsent({
            signer,
            grantee,
            scopes,
            purpose: options.purpose,
            expires,
            ...(notBefore === undefined ? {} : { notBefore }),
            ...(options.grantId === undefined ? {} : { grantId: options.grantId }),
          });
          ctx.note(
            `granted ${grantee} ${scopes.join(', ')} for "${options.purpose}" (${blockNote(result)})`,
          );
          ctx.print(
            {
              grantId: result.grantId,
              grantor,
              grantee,
              scopes,
              purpose: options.purpose,
              expires: iso(expires),
              txId: result.txId,
              status: result.status,
            },
            () => result.grantId,
          );
        },
      ),
    );

  consent
    .command('list')
    .description('the grants a DID made (--grantor) or received (--grantee), newest first')
    .option('--grantor <did>', 'grants this DID made')
    .option('--grantee <did>', 'grants this DID received')
    .option('--limit <n>', 'grants per page (default 50, at most 200)')
    .option('--cursor <n>', 'nextCursor of the previous page')
    .action(
      withContext(
        async (
          ctx,
          options: { grantor?: string; grantee?: string; limit?: string; cursor?: string },
        ) => {
          if ((options.grantor === undefined) === (options.grantee === undefined)) {
            throw new UsageError('give --grantor or --grantee (one of them)');
          }
          const limit = integerOption(options.limit, '--limit');
          const cursor = integerOption(options.cursor, '--cursor');
          const page = await ctx.client().listConsents({
            ...(options.grantor === undefined ? {} : { grantor: didArgument(options.grantor) }),
            ...(options.grantee === undefined ? {} : { grantee: didArgument(options.grantee) }),
            ...(limit === undefined ? {} : { limit }),
            ...(cursor === undefined ? {} : { cursor }),
          });
          ctx.print(page, () => [
            ...(page.grants.length === 0 ? ['no grants'] : page.grants.map(grantLine)),
            ...(page.nextCursor === undefined ? [] : [`more: --cursor ${page.nextCursor}`]),
          ]);
        },
      ),
    );

  consent
    .command('show')
    .description('one grant, with how it ended if it did')
    .argument('<grantId>')
    .action(
      withContext(async (ctx, grantId: string) => {
        const grant = await ctx.client().getConsent(grantId);
        ctx.print(grant, () => [
          `grant     ${grant.grantId} (${stateNow(grant)})`,
          `grantor   ${grant.grantor}`,
          `grantee   ${grant.grantee}`,
          `scopes    ${grant.scopes.join(', ')}${grant.sensitive ? ' (sensitive)' : ''}`,
          `purpose   ${grant.purpose}`,
          `valid     ${iso(grant.validFrom)} to ${iso(grant.expires)}`,
          ...(grant.ended
            ? [`ended     ${grant.ended.status} by ${grant.ended.by} at ${iso(grant.ended.time)}`]
            : []),
        ]);
      }),
    );

  for (const [verb, party, description] of [
    ['revoke', 'grantor', 'revoke a grant you made (as its grantor), for good'],
    ['renounce', 'grantee', 'give up a grant you received (as its grantee), for good'],
  ] as const) {
    consent
      .command(verb)
      .description(description)
      .argument('<grantId>')
      .option('--reason <code>', 'a short reason code (never personal data)')
      .action(
        withContext(async (ctx, grantId: string, options: { reason?: string }) => {
          await endGrant(ctx, verb, party, grantId, options.reason);
        }),
      );
  }

  consent
    .command('check')
    .description('may the grantee use the grantor’s data of this category now (or at a time)?')
    .requiredOption('--grantor <did>', 'whose data')
    .requiredOption('--grantee <did>', 'who wants it')
    .requiredOption('--scope <category>', 'the data category')
    .option('--purpose <purpose>', 'only a grant for this purpose answers')
    .option('--grant-id <id>', 'only this grant answers')
    .option('--at <time>', 'ISO 8601 time of the access (default: now)')
    .action(
      withContext(
        async (
          ctx,
          options: {
            grantor: string;
            grantee: string;
            scope: string;
            purpose?: string;
            grantId?: string;
            at?: string;
          },
        ) => {
          if (options.at !== undefined) parseIsoTime(options.at, '--at');
          const decision = await ctx.client().checkConsent({
            grantor: didArgument(options.grantor),
            grantee: didArgument(options.grantee),
            scope: categoryOption(options.scope),
            ...(options.purpose === undefined ? {} : { purpose: options.purpose }),
            ...(options.grantId === undefined ? {} : { grantId: options.grantId }),
            ...(options.at === undefined ? {} : { at: options.at }),
          });
          ctx.print(decision, () => decisionLines(decision));
        },
      ),
    );

  consent
    .command('categories')
    .description('the data categories; sensitive ones (PIPL art. 28) are granted alone')
    .action(
      withContext(async (ctx) => {
        const rows = DATA_CATEGORY_NAMES.map((name) => ({ name, ...DATA_CATEGORIES[name] }));
        ctx.print(rows, () =>
          rows.map((r) => [r.name, r.sensitive ? 'sensitive' : '', r.label].join('\t')),
        );
      }),
    );
  return consent;
}

async function endGrant(
  ctx: CliContext,
  verb: 'revoke' | 'renounce',
  party: 'grantor' | 'grantee',
  grantId: string,
  reason: string | undefined,
): Promise<void> {
  const client = ctx.client();
  const grant = await client.getConsent(grantId);
  const signer = await ownDidSigner(client, await ctx.keystore(false), grant[party]);
  const parameters = { signer, grantId, ...(reason === undefined ? {} : { reason }) };
  const result =
    verb === 'revoke'
      ? await client.revokeConsent(parameters)
      : await client.renounceConsent(parameters);
  const status = verb === 'revoke' ? 'revoked' : 'renounced';
  ctx.print(
    { grantId, grantStatus: status, txId: result.txId, status: result.status },
    () => `grant ${grantId} is ${status} (${blockNote(result)})`,
  );
}
