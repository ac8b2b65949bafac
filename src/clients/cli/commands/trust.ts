import { Command, Option } from 'commander';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import type {
  Accreditation,
  AccreditationStatus,
  Role,
} from '../../../ledger/registries/trust-registry.ts';
import { ROLES } from '../../../ledger/registries/trust-registry.ts';
import type { TrustCheckAnswer } from '../../sdk/index.ts';
import { collect, withContext } from '../command-kit.ts';
import type { CliContext } from '../context.ts';
import { ownDidSigner } from '../did-keys.ts';
import { blockNote } from '../governance-keys.ts';
import { parseIsoTime } from '../time-input.ts';
import { UsageError } from '../usage-error.ts';
import { accreditParameters, didArgument } from './gov.ts';

/** `ddi trust …`: accreditation authorities' grants, and the verifier's questions. */
export function trustCommand(): Command {
  const trust = new Command('trust').description(
    'the trust registry: accredit issuers as an authority, check, list and show accreditations',
  );

  trust
    .command('accredit')
    .description(
      'accredit a credential issuer within your own scope (as an accreditation authority)',
    )
    .argument('<did>', 'the issuer')
    .requiredOption('--authority <did>', 'your accreditation authority DID (its key signs)')
    .addOption(
      new Option('--role <role>', 'the role (authorities grant credentialIssuer only)')
        .choices(ROLES)
        .default('credentialIssuer'),
    )
    .option('--type <credentialType>', 'a credential type in scope (repeatable)', collect, [])
    .option('--template <id>', 'a template id in scope (repeatable)', collect, [])
    .requiredOption('--valid-until <time>', 'end of validity: ISO 8601, or a duration (365d)')
    .option('--valid-from <time>', 'start of validity (default: when it is committed)')
    .option('--nonce <nonce>', 'make a grant with the same terms distinct (default: random)')
    .action(
      withContext(
        async (
          ctx,
          did: string,
          options: {
            authority: string;
            role: Role;
            type: string[];
            template: string[];
            validUntil: string;
            validFrom?: string;
            nonce?: string;
          },
        ) => {
          const subject = didArgument(did);
          const authority = didArgument(options.authority);
          if (!options.type.length && !options.template.length) {
            throw new UsageError('name what the issuer may issue: --type and/or --template');
          }
          const parameters = accreditParameters(subject, options);
          const client = ctx.client();
          const signer = await ownDidSigner(client, await ctx.keystore(false), authority);
          const result = await client.accredit({ ...parameters, signer });
          ctx.note(`accredited ${subject} as ${options.role} (${blockNote(result)})`);
          ctx.print(
            {
              accreditation: result.accreditation,
              subject,
              role: options.role,
              txId: result.txId,
              status: result.status,
            },
            () => result.accreditation,
          );
        },
      ),
    );

  for (const [verb, status] of [
    ['suspend', 'suspended'],
    ['reinstate', 'active'],
    ['revoke', 'revoked'],
  ] as const) {
    trust
      .command(verb)
      .description(`${verb} an accreditation you granted (as the granting authority)`)
      .argument('<accreditation>', 'the accreditation id')
      .option('--reason <code>', 'a short reason code (never personal data)')
      .option('--authority <did>', 'the granting authority (default: the one that granted it)')
      .action(
        withContext(async (ctx, id: string, options: { reason?: string; authority?: string }) => {
          await setStatusAsAuthority(ctx, id, status, options);
        }),
      );
  }

  trust
    .command('check')
    .description(
      'was a DID accredited in a role (for a type or template) now, at a time, or at a block?',
    )
    .argument('<did>')
    .addOption(new Option('--role <role>', 'the role').choices(ROLES).makeOptionMandatory())
    .option('--type <credentialType>', 'the credential type')
    .option('--template <id>', 'the template id')
    .option('--at <time>', 'ISO 8601 time (default: now)')
    .option('--height <n>', 'the time of this block')
    .action(
      withContext(
        async (
          ctx,
          did: string,
          options: { role: Role; type?: string; template?: string; at?: string; height?: string },
        ) => {
          const subject = didArgument(did);
          if (options.at !== undefined && options.height !== undefined) {
            throw new UsageError('give --at or --height, not both');
          }
          if (options.at !== undefined) parseIsoTime(options.at, '--at');
          if (options.height !== undefined && !/^[0-9]{1,15}$/.test(options.height)) {
            throw new UsageError(`--height is a block height, got "${options.height}"`);
          }
          const answer = await ctx.client().checkAccreditation({
            subject,
            role: options.role,
            ...(options.type === undefined ? {} : { credentialType: options.type }),
            ...(options.template === undefined ? {} : { template: options.template }),
            ...(options.at === undefined ? {} : { at: options.at }),
            ...(options.height === undefined ? {} : { height: Number(options.height) }),
          });
          ctx.print(answer, () => checkLines(subject, options, answer));
        },
      ),
    );

  trust
    .command('list')
    .description('the accreditations a DID holds')
    .argument('<did>')
    .addOption(new Option('--role <role>', 'only this role').choices(ROLES))
    .action(
      withContext(async (ctx, did: string, options: { role?: Role }) => {
        const subject = didArgument(did);
        const list = await ctx.client().listAccreditations({
          subject,
          ...(options.role ? { role: options.role } : {}),
        });
        ctx.print(list, () =>
          list.length === 0
            ? [`${subject} holds no accreditation${options.role ? ` as ${options.role}` : ''}`]
            : list.map((a) =>
                [a.id, a.role, a.status, scopeText(a), `until ${iso(a.validUntil)}`].join('\t'),
              ),
        );
      }),
    );

  trust
    .command('show')
    .description('one accreditation and its history')
    .argument('<accreditation>', 'the accreditation id')
    .action(
      withContext(async (ctx, id: string) => {
        const acc = await ctx.client().getAccreditation(id);
        ctx.print(acc, () => accreditationLines(acc));
      }),
    );
  return trust;
}

async function setStatusAsAuthority(
  ctx: CliContext,
  id: string,
  status: AccreditationStatus,
  options: { reason?: string; authority?: string },
): Promise<void> {
  const client = ctx.client();
  const acc = await client.getAccreditation(id);
  if (acc.parent === null && options.authority === undefined) {
    throw new DdiError(
      ErrorCode.Unauthorized,
      `the regulator granted ${id.slice(0, 12)}…: change it with \`ddi gov ${VERB[status]} ${id}\``,
    );
  }
  const authority = didArgument(options.authority ?? acc.grantedBy);
  const signer = await ownDidSigner(client, await ctx.keystore(false), authority);
  const result = await client.setAccreditationStatus({
    accreditation: id,
    status,
    reason: options.reason,
    previousVersion: acc.version,
    signer,
  });
  ctx.print(
    { accreditation: id, accreditationStatus: status, txId: result.txId, status: result.status },
    () => `accreditation ${id.slice(0, 12)}… is now ${status} (${blockNote(result)})`,
  );
}

const VERB: Record<AccreditationStatus, string> = {
  active: 'reinstate',
  suspended: 'suspend',
  revoked: 'revoke',
};

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function scopeText(acc: Accreditation): string {
  const parts = [
    ...(acc.scope.credentialTypes ?? []).map((t) => `type ${t}`),
    ...(acc.scope.templates ?? []).map((t) => `template ${t}`),
  ];
  return parts.length ? parts.join(', ') : 'any';
}

function accreditationLines(acc: Accreditation): string[] {
  return [
    `id        ${acc.id}`,
    `subject   ${acc.subject}`,
    `role      ${acc.role}`,
    `scope     ${scopeText(acc)}`,
    `valid     ${iso(acc.validFrom)} → ${iso(acc.validUntil)}`,
    `granted   by ${acc.grantedBy}${acc.parent ? ` under ${acc.parent}` : ' (the regulator)'}`,
    ...(acc.nodeKey ? [`node key  ${acc.nodeKey}`] : []),
    `status    ${acc.status} (version ${acc.version})`,
    'history',
    ...acc.history.map(
      (h) => `  ${iso(h.time)}  block ${h.height}  ${h.status}${h.reason ? ` (${h.reason})` : ''}`,
    ),
  ];
}

function checkLines(
  subject: string,
  options: { role: Role; type?: string; template?: string },
  answer: TrustCheckAnswer,
): string[] {
  const what = [
    `${subject} as ${options.role}`,
    options.type ? `for ${options.type}` : '',
    options.template ? `for template ${options.template}` : '',
    `at ${answer.at}${answer.height === undefined ? '' : ` (block ${answer.height})`}`,
  ]
    .filter(Boolean)
    .join(' ');
  if (!answer.accredited) return [`not accredited (${answer.reason}): ${what}`];
  return [
    `accredited: ${what}`,
    ...answer.chain.map(
      (a, i) =>
        `${i === 0 ? '  chain ' : '        '}${a.id}  ${a.role} of ${a.subject}, granted by ${a.grantedBy}`,
    ),
  ];
}
