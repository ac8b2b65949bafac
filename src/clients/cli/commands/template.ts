import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import type { CredentialTemplate } from '../../../core/templates/credential-template.ts';
import type { TemplateRecord } from '../../../ledger/registries/template-registry.ts';
import { withContext } from '../command-kit.ts';
import { ownDidSigner } from '../did-keys.ts';
import { blockNote } from '../governance-keys.ts';
import { UsageError } from '../usage-error.ts';
import { didArgument } from './gov.ts';

/** `ddi template …`: credential templates on the ledger. */
export function templateCommand(): Command {
  const template = new Command('template').description('credential templates');

  template
    .command('register')
    .description('register a template version (as an issuer accredited for its type or id)')
    .argument('<file>', 'the template: {id, version, credentialType, schema, display}')
    .requiredOption('--issuer <did>', 'your issuer DID (its key signs)')
    .action(
      withContext(async (ctx, file: string, options: { issuer: string }) => {
        const issuer = didArgument(options.issuer);
        const definition = readJsonFile(file) as CredentialTemplate;
        const client = ctx.client();
        const signer = await ownDidSigner(client, await ctx.keystore(false), issuer);
        const result = await client.registerTemplate({ template: definition, signer });
        ctx.print(
          {
            id: definition.id,
            version: definition.version,
            issuer,
            txId: result.txId,
            status: result.status,
          },
          () =>
            `registered template ${definition.id} version ${definition.version} (${blockNote(result)})`,
        );
      }),
    );

  template
    .command('get')
    .description('a template: the latest version, or --version')
    .argument('<id>')
    .option('--version <n>', 'this version')
    .action(
      withContext(async (ctx, id: string, options: { version?: string }) => {
        if (options.version !== undefined && !/^[1-9][0-9]{0,8}$/.test(options.version)) {
          throw new UsageError(`--version is a positive integer, got "${options.version}"`);
        }
        const record = await ctx
          .client()
          .getTemplate(id, options.version === undefined ? undefined : Number(options.version));
        ctx.print(record, () => templateLines(record));
      }),
    );
  return template;
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DdiError(
      ErrorCode.NotFound,
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new DdiError(ErrorCode.Malformed, `${path} is not JSON`);
  }
}

function templateLines(record: TemplateRecord): string[] {
  const { template } = record;
  return [
    `id        ${template.id} version ${template.version}`,
    `type      ${template.credentialType}`,
    `name      ${template.display['zh-CN'].name} / ${template.display.en.name}`,
    `issuer    ${record.issuer}`,
    `registered ${new Date(record.registered).toISOString()} (block ${record.height})`,
    'schema',
    ...JSON.stringify(template.schema, null, 2)
      .split('\n')
      .map((line) => `  ${line}`),
  ];
}
