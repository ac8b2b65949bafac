import { resolve } from 'node:path';
import { DEV_OPERATOR_PASSPHRASE } from './operator-key.ts';

/** How a node runs. Every field has a default, and an environment variable overrides it. */
export interface NodeConfig {
  /** Where blocks, state and the operator key live (DDI_DATA_DIR, default ./.ddi/node). */
  dataDir: string;
  /** HTTP listen address (DDI_HOST, default 127.0.0.1: loopback until the operator opens it). */
  host: string;
  /** HTTP port (DDI_PORT, default 7070). */
  port: number;
  /** Passphrase of the operator key file (DDI_OPERATOR_PASSPHRASE). */
  operatorPassphrase: string;
  /** A genesis file to initialise an empty data directory with (DDI_GENESIS); otherwise a dev genesis is made. */
  genesisFile?: string;
  /** Log each request (DDI_LOG=1). */
  logRequests: boolean;
  /** Ordering backend (DDI_ORDERING): 'embedded' (default, this node alone) or 'nats'. */
  ordering: 'embedded' | 'nats';
  /** NATS servers of the ordering cluster (DDI_NATS_SERVERS, comma-separated). */
  natsServers: string[];
  /** JetStream stream name (DDI_NATS_STREAM, default DDI_<chain id>). */
  natsStream?: string;
  /**
   * Start although this node's key is not (yet) in the operator set (DDI_JOIN=1, nats only):
   * it follows the chain and co-signs from the height the regulator admits it.
   */
  join?: boolean;
  /** Worker threads verifying signatures (DDI_VERIFY_THREADS; default: cores − 1; 0 = inline). */
  verificationThreads?: number;
}

/** The JetStream stream a network uses when DDI_NATS_STREAM / --nats-stream is not set. */
export function defaultNatsStream(chainId: string): string {
  return `DDI_${chainId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** Config from defaults, then environment, then explicit overrides (CLI flags). */
export function loadNodeConfig(overrides: Partial<NodeConfig> = {}, env = process.env): NodeConfig {
  const fromEnv: Partial<NodeConfig> = {};
  if (env.DDI_DATA_DIR) fromEnv.dataDir = env.DDI_DATA_DIR;
  if (env.DDI_HOST) fromEnv.host = env.DDI_HOST;
  if (env.DDI_PORT) fromEnv.port = Number(env.DDI_PORT);
  if (env.DDI_OPERATOR_PASSPHRASE) fromEnv.operatorPassphrase = env.DDI_OPERATOR_PASSPHRASE;
  if (env.DDI_GENESIS) fromEnv.genesisFile = env.DDI_GENESIS;
  if (env.DDI_LOG) fromEnv.logRequests = env.DDI_LOG === '1';
  if (env.DDI_ORDERING) fromEnv.ordering = env.DDI_ORDERING as NodeConfig['ordering'];
  if (env.DDI_NATS_SERVERS)
    fromEnv.natsServers = env.DDI_NATS_SERVERS.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (env.DDI_NATS_STREAM) fromEnv.natsStream = env.DDI_NATS_STREAM;
  if (env.DDI_JOIN) fromEnv.join = env.DDI_JOIN === '1';
  if (env.DDI_VERIFY_THREADS) fromEnv.verificationThreads = Number(env.DDI_VERIFY_THREADS);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const config: NodeConfig = {
    dataDir: '.ddi/node',
    host: '127.0.0.1',
    port: 7070,
    operatorPassphrase: DEV_OPERATOR_PASSPHRASE,
    logRequests: false,
    ordering: 'embedded',
    natsServers: [],
    ...fromEnv,
    ...defined,
  };
  config.dataDir = resolve(config.dataDir);
  if (config.ordering !== 'embedded' && config.ordering !== 'nats') {
    throw new Error(`unknown ordering backend "${String(config.ordering)}" (embedded or nats)`);
  }
  if (config.ordering === 'nats' && config.natsServers.length === 0) {
    throw new Error(
      'the nats ordering needs the NATS servers: --nats-servers or DDI_NATS_SERVERS (nats://host:port,…)',
    );
  }
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
    throw new Error(`invalid port: ${config.port}`);
  }
  return config;
}
