import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { decryptWithPassphrase } from '../../../core/keystore/encrypted-envelope.ts';
import {
  generateKeyPair,
  getKeyType,
  privateKeyFromJwk,
  publicKeyToMultibase,
} from '../../../core/keys/index.ts';
import type { Jwk, KeyPair, KeyTypeName } from '../../../core/keys/index.ts';
import { DEV_REGULATOR_FILE } from '../../../services/node/dev-regulator.ts';
import { loadNodeConfig } from '../../../services/node/node-config.ts';
import type { Keystore } from '../../keystore/keystore.ts';
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

  key
    .command('import-dev-regulator')
    .description(
      "import the development regulator's keys (DID key, recovery key, governance key) that a first `ddi node start` wrote",
    )
    .option('--data-dir <dir>', "the development node's data directory (default ./.ddi/node)")
    .action(
      withContext(async (ctx, options: { dataDir?: string }) => {
        const config = loadNodeConfig({ dataDir: options.dataDir }, ctx.env);
        const path = join(config.dataDir, DEV_REGULATOR_FILE);
        const secrets = readDevRegulator(path, config.operatorPassphrase);
        const store = await ctx.keystore(true);
        const names: Record<string, string> = {};
        for (const k of secrets.keys) names[k.role] = importKey(store, k.name, keyPairOf(k.jwk));
        if (!store.did(secrets.regulatorDid)) {
          const now = new Date().toISOString();
          store.putDid({
            did: secrets.regulatorDid,
            signingKeys: names.signing ? { 'key-1': names.signing } : {},
            ...(names.recovery ? { recoveryKey: names.recovery } : {}),
            created: now,
            updated: now,
          });
        }
        ctx.saveKeystore(store);
        const imported = secrets.keys.map((k) => ({ role: k.role, name: names[k.role]! }));
        ctx.print({ regulator: secrets.regulatorDid, keys: imported }, () => [
          `regulator ${secrets.regulatorDid}`,
          ...imported.map((k) => `  ${k.role}\t${k.name}`),
        ]);
      }),
    );
  return key;
}

interface DevRegulatorSecrets {
  regulatorDid: string;
  keys: Array<{ name: string; role: string; jwk: Jwk }>;
}

/** Decrypts dev-regulator-keys.json with the operator passphrase (as the node wrote it). */
function readDevRegulator(path: string, passphrase: string): DevRegulatorSecrets {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DdiError(
      ErrorCode.NotFound,
      `no ${path}: only a node that made its own development network on first start has one`,
    );
  }
  const secrets = JSON.parse(
    decryptWithPassphrase(JSON.parse(text), passphrase),
  ) as DevRegulatorSecrets;
  if (typeof secrets?.regulatorDid !== 'string' || !Array.isArray(secrets.keys)) {
    throw new DdiError(ErrorCode.Malformed, `${path} is not a development regulator key file`);
  }
  return secrets;
}

function keyPairOf(jwk: Jwk): KeyPair {
  const { type, privateKey } = privateKeyFromJwk(jwk);
  return { type, privateKey, publicKey: getKeyType(type).publicFromPrivate(privateKey) };
}

/** Stores a key under `name` (made unique), or finds it already stored under any name. */
function importKey(store: Keystore, name: string, keyPair: KeyPair): string {
  const multikey = publicKeyToMultibase(keyPair.type, keyPair.publicKey);
  const existing = store.keys().find((k) => k.publicKeyMultibase === multikey);
  if (existing) return existing.name;
  return store.addKey(store.uniqueKeyName(name), keyPair).name;
}
