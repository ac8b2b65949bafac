import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { publicKeyToMultibase } from '../../core/keys/index.ts';
import { Ledger } from '../../ledger/ledger.ts';
import { LedgerNode } from '../../ledger/ledger-node.ts';
import { EmbeddedOrderer } from '../../ledger/ordering/embedded-orderer.ts';
import { NatsOrderer } from '../../ledger/ordering/nats-orderer.ts';
import type { Orderer } from '../../ledger/ordering/orderer.ts';
import type { KeyPair } from '../../core/keys/key-type.ts';
import { VerificationPool } from '../../ledger/verification/verification-pool.ts';
import type { Genesis } from '../../ledger/genesis.ts';
import { validateGenesis } from '../../ledger/genesis.ts';
import { buildHttpServer } from '../http/server.ts';
import type { NodeConfig } from './node-config.ts';
import { defaultNatsStream } from './node-config.ts';
import { loadOrCreateOperatorKey } from './operator-key.ts';
import { createDevGenesis, DEV_REGULATOR_FILE } from './dev-regulator.ts';

export interface RunningNode {
  node: LedgerNode;
  http: FastifyInstance;
  /** Base URL the API listens on. */
  url: string;
  /** What the first run created (empty on later runs), for the operator to read. */
  created: string[];
  stop(): Promise<void>;
}

/** The configured ordering backend over an opened ledger. */
function createOrderer(config: NodeConfig, ledger: Ledger, operatorKey: KeyPair): Orderer {
  if (config.ordering === 'embedded')
    return new EmbeddedOrderer({ lastBlockTime: ledger.head().header.time });
  const cursor = ledger.orderingCursor();
  return new NatsOrderer({
    servers: config.natsServers,
    stream: config.natsStream ?? defaultNatsStream(ledger.chainId),
    chainId: ledger.chainId,
    operatorKey,
    operatorsAt: (height) => ledger.operatorsAt(height),
    head: () => ({ height: ledger.head().header.height, time: ledger.head().header.time }),
    ...(cursor ? { cursor } : {}),
  });
}

/** Opens the ledger in `config.dataDir` (creating a development network on first run) and serves the API. */
export async function startNode(config: NodeConfig): Promise<RunningNode> {
  mkdirSync(config.dataDir, { recursive: true });
  const created: string[] = [];
  const { key, created: keyCreated } = loadOrCreateOperatorKey(
    config.dataDir,
    config.operatorPassphrase,
  );
  const operator = publicKeyToMultibase(key.type, key.publicKey);
  if (keyCreated)
    created.push(
      `operator key ${operator} (encrypted in ${join(config.dataDir, 'operator-key.json')})`,
    );

  let genesis: Genesis | undefined;
  if (config.genesisFile) {
    genesis = validateGenesis(JSON.parse(readFileSync(config.genesisFile, 'utf8')));
  } else if (!existsSync(join(config.dataDir, 'ledger.sqlite'))) {
    const dev = createDevGenesis(config.dataDir, key, config.operatorPassphrase);
    genesis = dev.genesis;
    created.push(
      `development genesis: chain ${genesis.chainId}, one operator (this node), regulator ${dev.regulatorDid} ` +
        `with one governance key (keys encrypted in ${join(config.dataDir, DEV_REGULATOR_FILE)})`,
    );
  }
  const ledger = Ledger.open({
    dataDir: config.dataDir,
    genesis,
    operatorKey: key,
    // A joining node on a shared backend follows the chain before the regulator admits it.
    requireOperator: !(config.join && config.ordering === 'nats'),
  });
  const orderer = createOrderer(config, ledger, key);
  const node = new LedgerNode(
    ledger,
    orderer,
    await VerificationPool.start(config.verificationThreads),
  );
  await node.start();
  const http = await buildHttpServer(node, { logger: config.logRequests });
  await http.listen({ host: config.host, port: config.port });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    node,
    http,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    created,
    async stop() {
      await http.close();
      await node.close();
    },
  };
}
