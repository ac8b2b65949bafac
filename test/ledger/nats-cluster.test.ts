import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nanos } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager, PubAck } from '@nats-io/jetstream';
import { startNatsCluster } from '../helpers/nats-cluster.ts';
import type { NatsCluster } from '../helpers/nats-cluster.ts';

// A real 3-server nats-server cluster on loopback, and the JetStream features the ledger's
// ordering relies on: R3 file stream, dedupe by msgID, fencing by expected last sequence, ordered
// reads from a sequence, writes with 2 of 3 servers, nothing acknowledged lost across kill -9.

const STREAM = 'DDI_TEST';
const SUBJECT = 'ddi.test.tx';
const enc = new TextEncoder();

let dir = '';
let cluster: NatsCluster | undefined;
let nc: NatsConnection | undefined;
let js: JetStreamClient;
let jsm: JetStreamManager;
const timings: Record<string, number> = {};
/** Every message the stream acknowledged: seq → payload. */
const acked = new Map<number, string>();

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings[label] = Math.round(performance.now() - t0);
  }
}

function lastAckedSeq(): number {
  return Math.max(0, ...acked.keys());
}

/**
 * Publishes the next message fenced on the last acknowledged sequence, retrying (same msgID, so
 * a retry of a write that did land is answered as a duplicate) while the stream has no leader.
 */
async function append(payload: string, timeoutMs = 20_000): Promise<PubAck> {
  const expected = lastAckedSeq();
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const ack = await js.publish(SUBJECT, enc.encode(payload), {
        msgID: `tx-${payload}`,
        expect: { lastSequence: expected },
        timeout: 2000,
      });
      acked.set(ack.seq, payload);
      return ack;
    } catch (err) {
      if (
        err instanceof JetStreamApiError &&
        err.code === JetStreamApiCodes.StreamWrongLastSequence
      ) {
        throw err;
      }
      // Failover: nats-server 2.9 answers 503 (no responders, reported by v3 as
      // JetStreamNotEnabled) until a new stream leader is elected, or the request times out.
      lastErr = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`publish ${payload} did not succeed in ${timeoutMs} ms: ${String(lastErr)}`);
}

/** Reads `count` messages from `start` on with an ordered consumer. */
async function readFrom(start: number, count: number): Promise<{ seq: number; data: string }[]> {
  const out: { seq: number; data: string }[] = [];
  // Generous: on 2 busy cores a leader election plus a consumer re-creation can take a while.
  const deadline = Date.now() + 60_000;
  let lastErr: unknown;
  while (out.length < count && Date.now() < deadline) {
    try {
      const consumer = await js.consumers.get(STREAM, {
        opt_start_seq: start + out.length,
        filter_subjects: SUBJECT,
      });
      while (out.length < count && Date.now() < deadline) {
        const batch = await consumer.fetch({ max_messages: count - out.length, expires: 1000 });
        for await (const m of batch) {
          if (m.subject !== SUBJECT) throw new Error(`unexpected subject ${m.subject}`);
          out.push({ seq: m.seq, data: m.string() });
        }
      }
      await consumer.delete().catch(() => undefined);
    } catch (err) {
      lastErr = err; // e.g. no stream leader yet: create the consumer again
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  if (out.length < count) {
    throw new Error(`read ${out.length} of ${count} from ${start}: ${String(lastErr)}`);
  }
  return out;
}

function expectAllAcked(read: { seq: number; data: string }[]): void {
  const want = [...acked.entries()].sort((a, b) => a[0] - b[0]);
  expect(read.map((m) => [m.seq, m.data])).toEqual(want);
}

async function streamLeader(): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const info = await jsm.streams.info(STREAM).catch(() => undefined);
    if (info?.cluster?.leader) return info.cluster.leader;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('stream has no leader');
}

describe('NATS JetStream cluster harness (3 real nats-server processes)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ddi-nats-'));
    cluster = await timed('clusterStart', () => startNatsCluster({ size: 3, dir }));
    nc = await connect({
      servers: cluster.urls,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
      timeout: 5000,
    });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    console.log('nats-cluster timings (ms):', JSON.stringify(timings));
    await nc?.close().catch(() => undefined);
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('starts three clustered servers with JetStream and a meta leader', async () => {
    const c = cluster!;
    expect(c.servers.map((s) => s.name)).toEqual(['n1', 'n2', 'n3']);
    expect(c.urls).toEqual(c.servers.map((s) => `nats://127.0.0.1:${s.port}`));
    expect(new Set(c.servers.flatMap((s) => [s.port, s.clusterPort, s.httpPort])).size).toBe(9);
    const conf = await readFile(c.servers[0]!.configFile, 'utf8');
    expect(conf).toContain('server_name: n1');
    expect(conf).toContain('name: ddi-test');
    for (const s of c.servers) {
      expect(s.process.pid).toBeGreaterThan(0);
      const jsz = (await (await fetch(`http://127.0.0.1:${s.httpPort}/jsz`)).json()) as {
        meta_cluster: { leader: string; cluster_size: number };
      };
      expect(jsz.meta_cluster.cluster_size).toBe(3);
      expect(['n1', 'n2', 'n3']).toContain(jsz.meta_cluster.leader);
    }
    const account = await jsm.getAccountInfo();
    expect(account.limits).toBeDefined();
    expect(c.logs(0)).toContain('Server is ready');
  });

  it('creates an R3 file stream with discard new and no max age', async () => {
    const info = await jsm.streams.add({
      name: STREAM,
      subjects: [SUBJECT],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.New,
      num_replicas: 3,
      max_age: 0,
      duplicate_window: nanos(120_000),
    });
    expect(info.config.num_replicas).toBe(3);
    expect(info.config.storage).toBe(StorageType.File);
    expect(info.config.discard).toBe(DiscardPolicy.New);
    expect(info.config.max_age).toBe(0);
    expect(info.config.duplicate_window).toBe(nanos(120_000));
    const leader = await streamLeader();
    const full = await jsm.streams.info(STREAM);
    expect(
      full.cluster?.replicas
        ?.map((r) => r.name)
        .concat(leader)
        .sort(),
    ).toEqual(['n1', 'n2', 'n3']);
  });

  it('deduplicates by msgID: the second publish acks duplicate with the same seq', async () => {
    const first = await js.publish(SUBJECT, enc.encode('dup'), { msgID: 'tx-dup' });
    expect(first).toMatchObject({ stream: STREAM, seq: 1, duplicate: false });
    acked.set(first.seq, 'dup');
    const second = await js.publish(SUBJECT, enc.encode('dup'), { msgID: 'tx-dup' });
    expect(second).toMatchObject({ stream: STREAM, seq: 1, duplicate: true });
    expect((await jsm.streams.info(STREAM)).state.messages).toBe(1);
  });

  it('fences on the expected last sequence', async () => {
    const ok = await js.publish(SUBJECT, enc.encode('a'), {
      msgID: 'tx-a',
      expect: { lastSequence: 1 },
    });
    expect(ok.seq).toBe(2);
    acked.set(ok.seq, 'a');
    // A writer that believes the stream ends at 1 is fenced off.
    const err = await js
      .publish(SUBJECT, enc.encode('stale'), { msgID: 'tx-stale', expect: { lastSequence: 1 } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(JetStreamApiError);
    expect((err as JetStreamApiError).code).toBe(JetStreamApiCodes.StreamWrongLastSequence);
    expect((err as Error).message).toMatch(/wrong last sequence: 2/);
    // A retry of an accepted write, even with a now-stale expectation, is a duplicate (no error).
    const retry = await js.publish(SUBJECT, enc.encode('a'), {
      msgID: 'tx-a',
      expect: { lastSequence: 1 },
    });
    expect(retry).toMatchObject({ seq: 2, duplicate: true });
    for (let i = 0; i < 8; i++) await append(`m${i}`);
    expect(lastAckedSeq()).toBe(10);
    expect((await jsm.streams.info(STREAM)).state.last_seq).toBe(10);
  });

  it('reads back in order from a given sequence', async () => {
    const fromFive = await readFrom(5, 6);
    expect(fromFive.map((m) => m.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(fromFive.map((m) => m.data)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    expectAllAcked(await readFrom(1, 10));
    const one = await jsm.streams.getMessage(STREAM, { seq: 3 });
    expect(one?.string()).toBe('m0');
    // A durable, ackable consumer that starts at a sequence works too.
    await jsm.consumers.add(STREAM, {
      durable_name: 'from-seven',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: 7,
    });
    const durable = await js.consumers.get(STREAM, 'from-seven');
    const m = await durable.next({ expires: 2000 });
    expect(m?.seq).toBe(7);
    await m?.ackAck();
    await durable.delete();
  });

  it('keeps writing with 2 of 3 servers after kill -9 and loses nothing across the restart', async () => {
    const c = cluster!;
    const leaderName = await streamLeader();
    const victim = c.servers.findIndex((s) => s.name === leaderName);
    expect(victim).toBeGreaterThanOrEqual(0);

    await timed('kill9', () => c.kill9(victim));
    // The first write after the leader dies waits for a new stream leader.
    await timed('firstWriteAfterKill', () => append('after-kill-0'));
    for (let i = 1; i < 10; i++) await append(`after-kill-${i}`);
    expect(await streamLeader()).not.toBe(leaderName);
    const info = await jsm.streams.info(STREAM);
    expect(info.state.last_seq).toBe(20);
    expect(info.cluster?.replicas?.find((r) => r.name === leaderName)?.current).toBeFalsy();
    expectAllAcked(await readFrom(1, 20));

    await timed('restart', () => c.restart(victim));
    expect(c.servers[victim]!.process.pid).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) await append(`after-restart-${i}`);

    // The restarted replica catches up: the stream reports it current with no lag, and its own
    // store (its /jsz) holds every acknowledged message.
    await timed('replicaCatchUp', async () => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const si = await jsm.streams.info(STREAM);
        const r = si.cluster?.replicas?.find((x) => x.name === leaderName);
        const leaderIsVictim = si.cluster?.leader === leaderName;
        if (leaderIsVictim || (r?.current && !r.lag)) break;
        if (Date.now() > deadline) throw new Error(`replica not current: ${JSON.stringify(si)}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    });
    const localJsz = await timed('replicaStore', async () => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const url = `http://127.0.0.1:${c.servers[victim]!.httpPort}/jsz?accounts=true&streams=true`;
        const body = (await (await fetch(url)).json()) as {
          account_details?: { stream_detail?: { name: string; state: { last_seq: number } }[] }[];
        };
        const st = body.account_details
          ?.flatMap((a) => a.stream_detail ?? [])
          .find((s) => s.name === STREAM);
        if (st?.state.last_seq === 25 || Date.now() > deadline) return st;
        await new Promise((res) => setTimeout(res, 100));
      }
    });
    expect(localJsz?.state.last_seq).toBe(25);

    const all = await readFrom(1, 25);
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expectAllAcked(all);
    expect(c.logs(victim)).toContain('Server is ready');
  });
});
