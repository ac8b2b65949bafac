import { createOperatorNetwork } from '../helpers/operator-network.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, publicKeyToMultibase } from '../../src/core/keys/index.ts';
import type { Genesis } from '../../src/ledger/genesis.ts';
import { loadNodeConfig } from '../../src/services/node/node-config.ts';
import { loadOrCreateOperatorKey } from '../../src/services/node/operator-key.ts';
import { signTransaction } from '../../src/ledger/transaction.ts';
import type { KeyPair } from '../../src/core/keys/key-type.ts';
import { startNode } from '../../src/services/node/start-node.ts';
import type { RunningNode } from '../../src/services/node/start-node.ts';
import { startNatsCluster } from '../helpers/nats-cluster.ts';
import type { NatsCluster } from '../helpers/nats-cluster.ts';
import { makeDid, tempDir } from '../helpers/temp-node.ts';

const PASS = 'test-operator-passphrase';
const { dir, cleanup } = tempDir('ddi-nats-');
let cluster: NatsCluster;
let genesis: Genesis;
let governanceKey: KeyPair;
const nodes: RunningNode[] = [];

async function startOperator(i: number): Promise<RunningNode> {
  const config = loadNodeConfig(
    {
      dataDir: join(dir, `node${i}`),
      port: 0,
      operatorPassphrase: PASS,
      ordering: 'nats',
      natsServers: cluster.urls,
      natsStream: 'DDI_TEST',
    },
    {},
  );
  const running = await startNode({ ...config, genesisFile: join(dir, 'genesis.json') });
  return running;
}

async function post(node: RunningNode, body: unknown, query = '') {
  const res = await fetch(`${node.url}/v1/transactions${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Waits until every node has the block at `height`, then returns their hashes of it. */
async function hashesAt(height: number): Promise<string[]> {
  for (const n of nodes) {
    for (let i = 0; i < 600 && n.node.ledger.head().header.height < height; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return nodes.map((n) => n.node.ledger.blockAt(height).hash);
}

beforeAll(async () => {
  mkdirSync(join(dir, 'nats'), { recursive: true });
  cluster = await startNatsCluster({ dir: join(dir, 'nats') });
  ({ genesis, governanceKey } = createOperatorNetwork(dir, {
    chainId: 'ddi-nats-test',
    passphrase: PASS,
  }));
  for (const i of [0, 1, 2]) nodes.push(await startOperator(i));
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(nodes.map((n) => n.stop()));
  await cluster?.stop();
  cleanup();
});

describe('three operators on a NATS JetStream cluster', () => {
  it('orders transactions submitted to any node into the same blocks, final once a quorum signed', async () => {
    const dids = [0, 1, 2].flatMap((i) =>
      [0, 1, 2].map(() => ({
        node: nodes[i]!,
        d: makeDid(genesis.chainId, i === 1 ? 'sm2' : 'ed25519'),
      })),
    );
    const results = await Promise.all(
      dids.map(({ node, d }) => post(node, d.createTx, '?wait=final')),
    );
    for (const r of results) expect(r.body).toMatchObject({ status: 'committed' });
    const top = Math.max(...results.map((r) => r.body.height as number));
    for (const n of nodes) await n.node.waitForFinal(top, 10_000);
    const heads = nodes.map((n) => n.node.ledger.blockAt(top));
    expect(new Set(heads.map((b) => b.hash)).size).toBe(1);
    expect(heads[0]!.signatures.length).toBeGreaterThanOrEqual(3);
    for (const { d } of dids) {
      for (const n of nodes) {
        const res = await fetch(`${n.url}/1.0/identifiers/${d.did}`);
        expect(res.status).toBe(200);
      }
    }
  });

  it('rejects a replayed transaction on every node', async () => {
    const d = makeDid(genesis.chainId);
    expect((await post(nodes[0]!, d.createTx, '?wait=true')).status).toBe(200);
    for (const n of nodes)
      expect((await post(n, d.createTx, '?wait=true')).body.code).toBe('replay');
  });

  let killed = -1;
  /** Index of the server leading the transaction stream: the worst one to lose. */
  async function streamLeader(): Promise<number> {
    const { connect } = await import('@nats-io/transport-node');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const nc = await connect({ servers: cluster.urls });
    const info = await (await jetstreamManager(nc)).streams.info('DDI_TEST');
    await nc.close();
    killed = cluster.servers.findIndex((srv) => srv.name === info.cluster?.leader);
    return killed;
  }

  it('goes on writing with one NATS server killed (kill -9), and loses nothing acknowledged', async () => {
    const acknowledged: string[] = [];
    const write = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const r = await post(nodes[i % 3]!, makeDid(genesis.chainId).createTx, '?wait=true');
        if (r.status === 200) acknowledged.push(r.body.id as string);
      }
    };
    await write(6);
    await cluster.kill9(await streamLeader());
    await write(12);
    expect(acknowledged.length).toBe(18);
    await cluster.restart(killed);
    await write(3);
    const last = Math.max(...nodes.map((n) => n.node.ledger.head().header.height));
    for (const n of nodes) {
      for (let i = 0; i < 200 && n.node.ledger.head().header.height < last; i++)
        await new Promise((r) => setTimeout(r, 25));
      for (const id of acknowledged) expect(n.node.status(id).status, id).toBe('committed');
    }
    expect(new Set(nodes.map((n) => n.node.ledger.blockAt(last).hash)).size).toBe(1);
  });

  it('rejects a committed transaction that comes back through the stream under another message id', async () => {
    const d = makeDid(genesis.chainId);
    const first = await post(nodes[0]!, d.createTx, '?wait=final');
    expect(first.body.status).toBe('committed');
    // As if the deduplication window had passed: the same transaction, ordered again.
    const { connect } = await import('@nats-io/transport-node');
    const { jetstream } = await import('@nats-io/jetstream');
    const nc = await connect({ servers: cluster.urls });
    await jetstream(nc).publish(`ddi.${genesis.chainId}.tx`, JSON.stringify(d.createTx), {
      msgID: `again-${first.body.id}`,
    });
    await nc.drain();
    const next = await post(nodes[1]!, makeDid(genesis.chainId).createTx, '?wait=final');
    const hashes = await hashesAt(next.body.height as number);
    expect(new Set(hashes).size).toBe(1);
    for (const n of nodes) {
      expect(n.node.status(first.body.id as string)).toMatchObject({
        status: 'committed',
        height: first.body.height,
      });
    }
  });

  it('ignores a cut record that no operator signed', async () => {
    const { connect } = await import('@nats-io/transport-node');
    const { jetstream } = await import('@nats-io/jetstream');
    const nc = await connect({ servers: cluster.urls });
    const rogue = generateKeyPair('ed25519');
    const height = nodes[0]!.node.ledger.head().header.height + 1;
    const { publicKeyToMultibase } = await import('../../src/core/keys/index.ts');
    await jetstream(nc).publish(
      `ddi.${genesis.chainId}.cut`,
      JSON.stringify({
        kind: 'cut',
        height,
        time: Date.now(),
        proposer: publicKeyToMultibase('ed25519', rogue.publicKey),
        sig: 'AAAA',
      }),
    );
    await nc.drain();
    const d = makeDid(genesis.chainId);
    const r = await post(nodes[2]!, d.createTx, '?wait=final');
    expect(r.body.status).toBe('committed');
    expect(new Set(await hashesAt(r.body.height as number)).size).toBe(1);
  });

  it('lets a node start before its admission (--join), and counts its signatures from the admission height', async () => {
    const joinerDir = join(dir, 'joiner');
    mkdirSync(joinerDir, { recursive: true });
    const joinerKey = loadOrCreateOperatorKey(joinerDir, PASS).key;
    const config = loadNodeConfig(
      {
        dataDir: joinerDir,
        port: 0,
        operatorPassphrase: PASS,
        ordering: 'nats',
        natsServers: cluster.urls,
        natsStream: 'DDI_TEST',
        join: true,
      },
      {},
    );
    const joiner = await startNode({ ...config, genesisFile: join(dir, 'genesis.json') });
    nodes.push(joiner);
    const before = await post(nodes[0]!, makeDid(genesis.chainId).createTx, '?wait=final');
    expect(new Set(await hashesAt(before.body.height as number)).size).toBe(1);
    // Not an operator yet: its signature appears nowhere but in its own copy.
    expect(
      nodes[0]!.node.ledger.blockAt(before.body.height as number).signatures.map((s) => s.operator),
    ).not.toContain(joiner.node.ledger.operator);

    const admit = signTransaction(
      {
        chainId: genesis.chainId,
        type: 'gov.admitOperator',
        payload: {
          nonce: 'join-test-1',
          name: 'operator-3',
          nodeKey: publicKeyToMultibase(joinerKey.type, joinerKey.publicKey),
        },
      },
      [
        {
          kid: `${genesis.governance.regulator}#gov-1`,
          type: governanceKey.type,
          privateKey: governanceKey.privateKey,
        },
      ],
    );
    const admitted = await post(nodes[1]!, admit, '?wait=final');
    expect(admitted.body.status).toBe('committed');
    const after = await post(nodes[0]!, makeDid(genesis.chainId).createTx, '?wait=final');
    const h = after.body.height as number;
    await hashesAt(h);
    expect(nodes[0]!.node.ledger.quorumAt(h)).toBe(3);
    await joiner.node.waitForFinal(h, 10_000);
    for (let i = 0; i < 200 && nodes[0]!.node.ledger.blockAt(h).signatures.length < 4; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(nodes[0]!.node.ledger.blockAt(h).signatures.map((s) => s.operator)).toContain(
      joiner.node.ledger.operator,
    );
  });

  it('detects a node whose state differs from the quorum: it reports the divergence and stops serving', async () => {
    const victim = nodes[2]!;
    // Corrupt the victim's in-memory state commitment, as a bug or a bit flip would.
    victim.node.ledger.state.tree.set(new Uint8Array(32).fill(7), new Uint8Array(32).fill(9));
    const d = makeDid(genesis.chainId);
    const r = await post(nodes[0]!, d.createTx, '?wait=final');
    expect(r.body.status).toBe('committed');
    for (let i = 0; i < 200 && !victim.node.divergence; i++)
      await new Promise((res) => setTimeout(res, 25));
    expect(victim.node.divergence).toMatchObject({ height: r.body.height });
    const status = (await (await fetch(`${victim.url}/v1/status`)).json()) as {
      divergence?: { height: number };
    };
    expect(status.divergence?.height).toBe(r.body.height);
    const refused = await fetch(`${victim.url}/1.0/identifiers/${d.did}`);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { code: string }).code).toBe('unavailable');
    expect(nodes[0]!.node.divergence).toBeUndefined();
    expect((await fetch(`${nodes[0]!.url}/1.0/identifiers/${d.did}`)).status).toBe(200);
  });

  it('refuses to start a node whose key is not in the operator set', async () => {
    const config = loadNodeConfig(
      {
        dataDir: join(dir, 'outsider'),
        port: 0,
        operatorPassphrase: PASS,
        ordering: 'nats',
        natsServers: cluster.urls,
      },
      {},
    );
    await expect(
      startNode({ ...config, genesisFile: join(dir, 'genesis.json') }),
    ).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
