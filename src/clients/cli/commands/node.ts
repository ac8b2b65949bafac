import { mkdirSync } from 'node:fs';
import { Command, Option } from 'commander';
import { publicKeyToMultibase } from '../../../core/keys/index.ts';
import { defaultNatsStream, loadNodeConfig } from '../../../services/node/node-config.ts';
import type { NodeConfig } from '../../../services/node/node-config.ts';
import { loadOrCreateOperatorKey } from '../../../services/node/operator-key.ts';
import { startNode } from '../../../services/node/start-node.ts';
import { withContext } from '../command-kit.ts';
import { UsageError } from '../usage-error.ts';

/** `ddi node …`: run a node, ask a node how it is. */
export function nodeCommand(): Command {
  const node = new Command('node').description('run a ledger node, or ask one for its status');

  node
    .command('start')
    .description(
      'start a node: embedded ordering (a development network on first run) or a NATS JetStream cluster shared with the other operators',
    )
    .option('--port <port>', 'HTTP port (DDI_PORT, default 7070; 0 picks a free one)')
    .option('--host <host>', 'listen address (DDI_HOST, default 127.0.0.1)')
    .option('--data-dir <dir>', 'data directory (DDI_DATA_DIR, default ./.ddi/node)')
    .option(
      '--genesis <file>',
      'start an empty data directory from this genesis (DDI_GENESIS; from `ddi network init`)',
    )
    .addOption(
      new Option(
        '--ordering <backend>',
        'ordering backend (DDI_ORDERING, default embedded): embedded = this node alone, nats = a JetStream cluster',
      ).choices(['embedded', 'nats']),
    )
    .option(
      '--nats-servers <urls>',
      'NATS servers of the ordering cluster, nats://host:port,… (DDI_NATS_SERVERS)',
    )
    .option(
      '--nats-stream <name>',
      'JetStream stream name (DDI_NATS_STREAM, default DDI_<chain id>)',
    )
    .option(
      '--join',
      'start before the regulator admitted this node key (DDI_JOIN=1, nats only): follow the chain, co-sign once admitted',
    )
    .action(
      withContext(
        async (
          ctx,
          options: {
            port?: string;
            host?: string;
            dataDir?: string;
            genesis?: string;
            ordering?: NodeConfig['ordering'];
            natsServers?: string;
            natsStream?: string;
            join?: boolean;
          },
        ) => {
          let port: number | undefined;
          if (options.port !== undefined) {
            port = Number(options.port);
            if (!/^[0-9]{1,5}$/.test(options.port) || port > 65535) {
              throw new UsageError(`--port must be 0-65535, got "${options.port}"`);
            }
          }
          if (
            options.natsStream !== undefined &&
            !/^[A-Za-z0-9_-]{1,64}$/.test(options.natsStream)
          ) {
            // JetStream stream names may not contain spaces, dots, * or >.
            throw new UsageError(
              `--nats-stream is 1-64 letters, digits, "_" or "-", got "${options.natsStream}"`,
            );
          }
          let config: NodeConfig;
          try {
            config = loadNodeConfig(
              {
                port,
                host: options.host,
                dataDir: options.dataDir,
                genesisFile: options.genesis,
                ordering: options.ordering,
                natsServers: options.natsServers
                  ?.split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
                natsStream: options.natsStream,
                ...(options.join ? { join: true } : {}),
              },
              ctx.env,
            );
          } catch (err) {
            // A configuration mistake (flags or environment) is a usage error, not a crash.
            throw new UsageError((err as Error).message);
          }
          const running = await startNode(config);
          const head = running.node.ledger.head().header;
          const chainId = running.node.ledger.chainId;
          const ordering =
            config.ordering === 'nats'
              ? {
                  backend: 'nats' as const,
                  servers: config.natsServers,
                  stream: config.natsStream ?? defaultNatsStream(chainId),
                }
              : { backend: 'embedded' as const };
          const info = {
            url: running.url,
            chainId,
            height: head.height,
            operator: running.node.ledger.operator,
            dataDir: config.dataDir,
            ordering,
            created: running.created,
          };
          const orderingText =
            ordering.backend === 'nats'
              ? `ordering nats: stream ${ordering.stream} on ${ordering.servers.join(',')}`
              : 'ordering embedded';
          ctx.print(info, () => [
            ...running.created.map((c) => `created ${c}`),
            `ddi node listening on ${running.url} (chain ${chainId}, height ${info.height}, ${orderingText}, data ${config.dataDir})`,
          ]);

          let stopping = false;
          const stop = (signal: NodeJS.Signals): void => {
            if (stopping) {
              // A second Ctrl-C: the user wants out now.
              process.exit(1);
            }
            stopping = true;
            ctx.note(`${signal}: stopping the node…`);
            running.stop().then(
              () => process.exit(0),
              (err: unknown) => {
                process.stderr.write(
                  `error [internal]: stopping the node failed: ${String(err)}\n`,
                );
                process.exit(1);
              },
            );
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
          // A block that could not be committed: stop serving rather than diverge.
          running.node.on('fatal', (err) => {
            process.stderr.write(`error [corrupt]: the ledger stopped: ${err.message}\n`);
            void running.http.close().finally(() => process.exit(1));
          });
        },
      ),
    );

  node
    .command('key')
    .description(
      "print this node's operator key (Multikey), creating it if needed: what `ddi network init --operator-key` takes",
    )
    .option('--data-dir <dir>', 'data directory (DDI_DATA_DIR, default ./.ddi/node)')
    .action(
      withContext(async (ctx, options: { dataDir?: string }) => {
        const config = loadNodeConfig({ dataDir: options.dataDir }, ctx.env);
        mkdirSync(config.dataDir, { recursive: true });
        // The same file `ddi node start` opens: the key printed is the one that will sign blocks.
        const { key, created } = loadOrCreateOperatorKey(config.dataDir, config.operatorPassphrase);
        const operatorKey = publicKeyToMultibase(key.type, key.publicKey);
        if (created) ctx.note(`created the operator key of ${config.dataDir} (encrypted)`);
        ctx.print({ operatorKey, created, dataDir: config.dataDir }, () => operatorKey);
      }),
    );

  node
    .command('status')
    .description("the node's chain, head of chain and state root")
    .action(
      withContext(async (ctx) => {
        const status = await ctx.client().getNodeStatus();
        ctx.print(status, () => [
          `node      ${ctx.nodeUrl}`,
          `chain     ${status.chainId}`,
          `height    ${status.height}`,
          `head      ${status.headHash}`,
          `time      ${new Date(status.headTime).toISOString()}`,
          `state     ${status.stateRoot}`,
          `operator  ${status.operator}`,
          `ordering  ${status.ordering}, SM2 ${status.sm2Backend}`,
        ]);
      }),
    );
  return node;
}
