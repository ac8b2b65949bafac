import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { generateKeyPair, publicKeyFromMultibase } from '../../../core/keys/index.ts';
import type { KeyPair, KeyTypeName } from '../../../core/keys/index.ts';
import { createGenesis } from '../../../ledger/genesis.ts';
import { collect, KEY_TYPES, withContext } from '../command-kit.ts';
import { UsageError } from '../usage-error.ts';

interface InitOptions {
  chainId: string;
  regulatorKeys: string;
  threshold: string;
  keyType: KeyTypeName;
  operatorKey: string[];
  out: string;
  name: string;
  force?: boolean;
}

const HOW_TO_GET_OPERATOR_KEYS =
  'a genesis names the operators whose nodes sign blocks: run `ddi node key --data-dir <dir>` ' +
  "on each node (it creates the node's operator key if needed and prints it) and pass each " +
  'key with --operator-key';

/** `ddi network init`: the genesis of a new network and its regulator's keys. */
export function networkCommand(): Command {
  const network = new Command('network').description('create a network (its genesis)');

  network
    .command('init')
    .description(
      "write a genesis: the operators' node keys and a new regulator (DID, M-of-N governance keys in the keystore)",
    )
    .requiredOption('--chain-id <id>', 'the network name every transaction carries')
    .option('--regulator-keys <n>', 'number of governance keys N', '3')
    .option('--threshold <m>', 'governance signatures M every governance transaction needs', '2')
    .addOption(
      new Option('--key-type <type>', "type of the regulator's keys")
        .choices(KEY_TYPES)
        .default('sm2'),
    )
    .option(
      '--operator-key <multikey>',
      "an operator node's key, [name=]z… (repeatable; from `ddi node key`)",
      collect,
      [],
    )
    .option('--out <file>', 'where to write the genesis', 'genesis.json')
    .option('--name <prefix>', "prefix of the regulator's key names in the keystore", 'regulator')
    .option('--force', 'overwrite an existing genesis file')
    .action(
      withContext(async (ctx, options: InitOptions) => {
        const n = positiveInteger(options.regulatorKeys, '--regulator-keys');
        const m = positiveInteger(options.threshold, '--threshold');
        if (n > 16) throw new UsageError('--regulator-keys is at most 16');
        if (m > n) throw new UsageError(`--threshold ${m} is more than the ${n} governance keys`);
        if (!/^[A-Za-z0-9._-]{1,64}$/.test(options.chainId)) {
          throw new UsageError('--chain-id is 1-64 letters, digits, ".", "_" or "-"');
        }
        if (options.operatorKey.length === 0) throw new UsageError(HOW_TO_GET_OPERATOR_KEYS);
        const operators = options.operatorKey.map(parseOperatorKey);
        const out = resolve(options.out);
        if (existsSync(out) && !options.force) {
          throw new DdiError(ErrorCode.Conflict, `${out} exists (add --force to overwrite it)`);
        }

        const store = await ctx.keystore(true);
        const names = {
          signing: `${options.name}-key-1`,
          recovery: `${options.name}-recovery`,
          governance: Array.from({ length: n }, (_, i) => `${options.name}-gov-${i + 1}`),
        };
        for (const name of [names.signing, names.recovery, ...names.governance]) {
          if (store.key(name)) {
            throw new DdiError(
              ErrorCode.Conflict,
              `the keystore already has a key "${name}" (another network?): choose other names with --name`,
            );
          }
        }
        const signingKey = generateKeyPair(options.keyType);
        const recoveryKey = generateKeyPair(options.keyType);
        const governanceKeys = names.governance.map(() => generateKeyPair(options.keyType));
        const { genesis, regulatorDid } = createGenesis({
          chainId: options.chainId,
          operators,
          regulator: { signingKey, recoveryKey, governanceKeys, threshold: m },
        });
        // The keys are saved before the genesis exists: a genesis whose governance keys were
        // lost could never be governed.
        store.addKey(names.signing, signingKey);
        store.addKey(names.recovery, recoveryKey);
        governanceKeys.forEach((key, i) => store.addKey(names.governance[i]!, key));
        const now = new Date().toISOString();
        store.putDid({
          did: regulatorDid,
          signingKeys: { 'key-1': names.signing },
          recoveryKey: names.recovery,
          versionId: '1',
          created: now,
          updated: now,
        });
        ctx.saveKeystore(store);
        writeFileSync(out, `${JSON.stringify(genesis, null, 2)}\n`);

        const governance = genesis.governance.keys.map((k, i) => ({
          id: k.id,
          name: names.governance[i]!,
          publicKeyMultibase: k.publicKeyMultibase,
        }));
        ctx.print(
          {
            genesis: out,
            chainId: genesis.chainId,
            regulator: regulatorDid,
            threshold: m,
            governanceKeys: governance,
            operators: genesis.operators,
            keys: { signing: names.signing, recovery: names.recovery },
          },
          () => [
            `wrote ${out} (chain ${genesis.chainId}, ${operators.length} operator(s))`,
            `regulator ${regulatorDid}`,
            `governance: ${m} of ${n} keys: ${governance.map((g) => `${g.id}=${g.name}`).join(', ')}`,
            `start each node with: ddi node start --genesis ${options.out} --data-dir <its data dir>`,
            'give each governance key to its holder; keep the recovery key offline',
          ],
        );
      }),
    );
  return network;
}

function positiveInteger(value: string, option: string): number {
  if (!/^[0-9]{1,3}$/.test(value) || Number(value) < 1) {
    throw new UsageError(`${option} must be a positive integer, got "${value}"`);
  }
  return Number(value);
}

/**
 * "[name=]z…" → an operator entry. createGenesis reads only the public half of an operator's
 * key (the private key stays on the node), so the private part here is empty.
 */
function parseOperatorKey(spec: string, index: number): { name: string; key: KeyPair } {
  const at = spec.indexOf('=');
  const name = at > 0 ? spec.slice(0, at) : `operator-${index + 1}`;
  const multikey = at > 0 ? spec.slice(at + 1) : spec;
  try {
    const { type, publicKey } = publicKeyFromMultibase(multikey);
    return { name, key: { type, publicKey, privateKey: new Uint8Array(0) } };
  } catch {
    throw new UsageError(`--operator-key "${spec}" is not a Multikey public key (z…)`);
  }
}
