import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { publicKeyFromMultibase } from '../../../core/keys/index.ts';
import type { KeyPair, KeyTypeName } from '../../../core/keys/index.ts';
import {
  LocalNetwork,
  prepareLocalNetwork,
  requireNatsServer,
} from '../../../services/network/local-network.ts';
import { collect, KEY_TYPES, withContext } from '../command-kit.ts';
import type { CliContext } from '../context.ts';
import { createRegulatorGenesis } from '../regulator-genesis.ts';
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

/** `ddi network init` (the genesis of a new network and its regulator's keys) and `ddi network up`. */
export function networkCommand(): Command {
  const network = new Command('network').description(
    'create a network (its genesis), or run a development network on this machine',
  );

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

        const { genesis, regulatorDid, names } = await createRegulatorGenesis(ctx, {
          chainId: options.chainId,
          operators,
          regulatorKeys: n,
          threshold: m,
          keyType: options.keyType,
          name: options.name,
        });
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
  network
    .command('up')
    .description(
      'development: run a network on this machine — 3 nats-servers (JetStream) and one node per operator, ' +
        'all on loopback; the first run creates the directory, later runs reuse it; Ctrl-C stops everything',
    )
    .requiredOption(
      '--dir <dir>',
      'the network directory (keys, genesis, ledgers, NATS stores, logs)',
    )
    .option('--operators <n>', 'operators of a new network (default 3)')
    .option('--base-port <port>', 'HTTP port of node-1; node-i listens on base + i - 1', '7101')
    .option(
      '--nats-base-port <port>',
      'first NATS port: clients on base…base+2, routes on base+3…base+5, monitoring on base+6…base+8',
      '4301',
    )
    .option(
      '--name <prefix>',
      "prefix of the regulator's key names in the keystore (default <chain id>-regulator)",
    )
    .action(
      withContext(async (ctx, options: UpOptions) => {
        await networkUp(ctx, options);
      }),
    );
  return network;
}

interface UpOptions {
  dir: string;
  operators?: string;
  basePort: string;
  natsBasePort: string;
  name?: string;
}

/** `ddi network up`: starts a local network and runs until SIGINT / SIGTERM / SIGHUP. */
async function networkUp(ctx: CliContext, options: UpOptions): Promise<void> {
  const basePort = portOption(options.basePort, '--base-port');
  const natsBasePort = portOption(options.natsBasePort, '--nats-base-port');
  const operators =
    options.operators === undefined ? undefined : positiveInteger(options.operators, '--operators');
  if (operators !== undefined && operators > 16) throw new UsageError('--operators is at most 16');
  // Before anything is created: without nats-server there is no network to run.
  const natsServer = requireNatsServer(ctx.env);

  const created: string[] = [];
  const prepared = await prepareLocalNetwork(
    { dir: options.dir, operators, basePort, natsBasePort, env: ctx.env },
    async (keys) => {
      const chainId = `ddi-local-${randomBytes(4).toString('hex')}`;
      // Development defaults: what `ddi network init` would make, 2 of 3 governance keys.
      const { genesis, regulatorDid, names } = await createRegulatorGenesis(ctx, {
        chainId,
        operators: keys,
        regulatorKeys: 3,
        threshold: 2,
        keyType: 'sm2',
        name: options.name ?? `${chainId}-regulator`,
      });
      created.push(
        `regulator ${regulatorDid}, 2 of 3 governance keys in ${ctx.keystorePath} ` +
          `(${names.governance.join(', ')})`,
      );
      return genesis;
    },
  );
  created.unshift(...prepared.created);

  const stopRequested = new AbortController();
  const network = new LocalNetwork(prepared, {
    env: ctx.env,
    natsServer,
    signal: stopRequested.signal,
    note: (message) => ctx.note(message),
    // A child dying is worth knowing, but the rest keeps running: a development network is
    // also where one tries what happens when a node or a NATS server goes away.
    onExit: (p, code, signal) =>
      process.stderr.write(`${p.name} exited (${code ?? signal}); its log: ${p.log}\n`),
  });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) {
      // A second Ctrl-C: the user wants out now.
      network.killNow();
      process.exit(1);
    }
    ctx.note(`${signal}: stopping the network…`);
    stopRequested.abort();
  };
  const handled: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of handled) process.on(s, onSignal);
  try {
    try {
      await network.start();
    } catch (err) {
      if (stopRequested.signal.aborted) {
        ctx.note('stopped before the network was up');
        return;
      }
      throw err;
    }
    const { layout, genesis, stream } = prepared;
    const nodes = layout.nodes.map((n, i) => ({
      name: n.name,
      url: n.url,
      operator: genesis.operators[i]!.publicKeyMultibase,
      dataDir: n.dataDir,
      log: n.log,
      pid: network.processes.find((p) => p.name === n.name)!.pid,
    }));
    const nats = layout.nats.map((s) => ({
      name: s.name,
      url: s.url,
      cluster: s.clusterUrl,
      monitor: s.monitorUrl,
      storeDir: s.storeDir,
      log: s.log,
      pid: network.processes.find((p) => p.name === s.name)!.pid,
    }));
    ctx.print(
      {
        dir: layout.dir,
        chainId: genesis.chainId,
        genesis: layout.genesisFile,
        stream,
        created,
        nodes,
        nats,
      },
      () => [
        ...created.map((c) => `created ${c}`),
        ...nats.map((s) => `nats ${s.name.padEnd(6)} ${s.url}  (monitoring ${s.monitor})`),
        ...nodes.map((n) => `${n.name.padEnd(11)} ${n.url}  operator ${n.operator}`),
        `network ${genesis.chainId} is up: ${nodes.length} operators on NATS stream ${stream}; ` +
          `logs in ${layout.logsDir}. Ctrl-C stops it.`,
      ],
    );
    await new Promise<void>((resolveStop) => {
      if (stopRequested.signal.aborted) resolveStop();
      else stopRequested.signal.addEventListener('abort', () => resolveStop(), { once: true });
    });
    await network.stop();
    ctx.note('stopped every process of the network');
  } finally {
    for (const s of handled) process.off(s, onSignal);
  }
}

function portOption(value: string, option: string): number {
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw new UsageError(`${option} must be a port (1-65535), got "${value}"`);
  }
  return Number(value);
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
