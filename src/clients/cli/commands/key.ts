import { Command } from 'commander';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { generateKeyPair } from '../../../core/keys/index.ts';
import type { KeyTypeName } from '../../../core/keys/index.ts';
import { keyTypeOption, withContext } from '../command-kit.ts';

/** `ddi key …`: keys in the keystore. */
export function keyCommand(): Command {
  const key = new Command('key').description('manage keys in the encrypted keystore');

  key
    .command('generate')
    .description('generate a key pair and store it')
    .addOption(keyTypeOption().default('ed25519'))
    .option('--name <name>', 'name to store it under (default: the type, made unique)')
    .action(
      withContext(async (ctx, options: { type: KeyTypeName; name?: string }) => {
        const store = await ctx.keystore(true);
        const stored = store.addKey(
          options.name ?? store.uniqueKeyName(options.type),
          generateKeyPair(options.type),
        );
        ctx.saveKeystore(store);
        const { privateKeyJwk: _secret, ...shown } = stored;
        ctx.print(shown, () => `${stored.name}\t${stored.type}\t${stored.publicKeyMultibase}`);
      }),
    );

  key
    .command('list')
    .description('list stored keys (public parts only)')
    .action(
      withContext(async (ctx) => {
        const store = await ctx.keystore(false);
        const keys = store.keys().map(({ privateKeyJwk: _secret, ...k }) => ({
          ...k,
          usedBy: store.keyReferences(k.name),
        }));
        ctx.print(keys, () =>
          keys.length === 0
            ? [`no keys in ${store.path}`]
            : keys.map((k) =>
                [k.name, k.type, k.publicKeyMultibase, k.usedBy.join(',')].join('\t').trimEnd(),
              ),
        );
      }),
    );

  key
    .command('delete')
    .description('delete a key for good (e.g. to rehearse losing a signing key)')
    .argument('<name>', 'the key to delete')
    .option('--force', 'delete even if a DID in the keystore uses it')
    .action(
      withContext(async (ctx, name: string, options: { force?: boolean }) => {
        const store = await ctx.keystore(false);
        if (!store.key(name))
          throw new DdiError(ErrorCode.NotFound, `no key named "${name}" in the keystore`);
        const usedBy = store.keyReferences(name);
        if (usedBy.length && !options.force) {
          throw new DdiError(
            ErrorCode.Conflict,
            `key "${name}" is used by ${usedBy.join(', ')}; it cannot be recovered once deleted (add --force)`,
            { usedBy },
          );
        }
        store.deleteKey(name);
        store.save();
        ctx.print({ deleted: name, usedBy }, () => `deleted key ${name}`);
      }),
    );
  return key;
}
