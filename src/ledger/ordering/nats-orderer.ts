import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import type {
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
} from '@nats-io/jetstream';
import { canonicalBytes } from '../../core/encoding/canonical-json.ts';
import { base64url } from '../../core/encoding/base64url.ts';
import {
  publicKeyFromMultibase,
  publicKeyToMultibase,
  sign,
  verify,
} from '../../core/keys/index.ts';
import type { KeyPair } from '../../core/keys/key-type.ts';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { Transaction } from '../transaction.ts';
import { decodeTransaction } from '../transaction.ts';
import type { BlockSignatureMessage, OrderedBatch, Orderer } from './orderer.ts';

export interface NatsOrdererOptions {
  /** NATS server URLs of the cluster (any subset; the client finds the rest). */
  servers: string[];
  /** JetStream stream holding transactions and cut records, in one total order. */
  stream: string;
  chainId: string;
  /** This node's operator key: it signs the cut records it proposes. */
  operatorKey: KeyPair;
  /** The operators (Multikeys) whose cuts count, for the block at a height. */
  operatorsAt: (height: number) => string[];
  /** The chain's head as this node has it (height and time of the last block). */
  head: () => { height: number; time: number };
  /** Stream sequence of the last cut already applied (from the ledger's ordering cursor). */
  cursor?: string;
  /** Stream replicas (3 or more in production). */
  replicas?: number;
  /** How long the block's proposer waits for more transactions before cutting (ms). */
  cutDelayMs?: number;
  maxBlockTransactions?: number;
  /** How long a submission keeps retrying through a server loss before `unavailable` (ms). */
  publishTimeoutMs?: number;
}

interface CutRecord {
  kind: 'cut';
  height: number;
  time: number;
  proposer: string;
  sig: string;
}

const CUT_PREFIX = new TextEncoder().encode('ddi/cut/v1\n');

function cutSigningInput(chainId: string, height: number, time: number): Uint8Array {
  const body = canonicalBytes({ chainId, height, time });
  const out = new Uint8Array(CUT_PREFIX.length + body.length);
  out.set(CUT_PREFIX);
  out.set(body, CUT_PREFIX.length);
  return out;
}

/**
 * The `nats` ordering backend: a replicated JetStream stream gives every operator node the
 * same total order of transactions. Blocks are cut deterministically from that order:
 * a block is the transactions between two valid *cut records* — operator-signed markers
 * in the same stream naming the next height and the block time. Every node applies the
 * same rule to the same sequence, so every node builds the same blocks; the first valid
 * cut for a height wins and later ones for it are ignored. Block signatures travel on a
 * second stream. The stream is an ordering log, not the ledger's only copy: each node keeps
 * its blocks on disk and resumes from its cursor (the sequence of the last cut it applied).
 */
export class NatsOrderer implements Orderer {
  readonly kind = 'nats';
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;
  private readonly active = new Set<ConsumerMessages>();
  private onOrdered?: (item: { id: string; tx: Transaction }) => void;
  private nextTxSeq = 1;
  private nextSigSeq = 1;
  private readonly pendingTxs: Array<{ id: string; tx: Transaction; seq: number }> = [];
  private pendingSince = 0;
  private cutTimer?: NodeJS.Timeout;
  private lastProposed = { height: -1, at: 0 };
  private readonly operatorId: string;
  private loops: Promise<void>[] = [];
  private stopped = false;

  constructor(private readonly options: NatsOrdererOptions) {
    this.operatorId = publicKeyToMultibase(options.operatorKey.type, options.operatorKey.publicKey);
  }

  private get txSubject(): string {
    return `ddi.${this.options.chainId}.tx`;
  }
  private get cutSubject(): string {
    return `ddi.${this.options.chainId}.cut`;
  }
  private get sigSubject(): string {
    return `ddi.${this.options.chainId}.sig`;
  }
  private get sigStream(): string {
    return `${this.options.stream}_SIG`;
  }

  async start(
    deliver: (batch: OrderedBatch) => Promise<void> | void,
    onSignature?: (message: BlockSignatureMessage) => void,
    onOrdered?: (item: { id: string; tx: Transaction }) => void,
  ): Promise<void> {
    this.onOrdered = onOrdered;
    const nc = await connect({
      servers: this.options.servers,
      name: `ddi-${this.operatorId.slice(0, 16)}`,
      maxReconnectAttempts: -1,
    });
    this.nc = nc;
    const jsm = await jetstreamManager(nc);
    this.jsm = jsm;
    const replicas = this.options.replicas ?? 3;
    await ensureStream(jsm, {
      name: this.options.stream,
      subjects: [this.txSubject, this.cutSubject],
      replicas,
    });
    await ensureStream(jsm, { name: this.sigStream, subjects: [this.sigSubject], replicas });
    this.js = jetstream(nc);

    this.nextTxSeq = this.options.cursor ? Number(this.options.cursor) + 1 : 1;
    this.loops.push(
      this.follow(
        this.options.stream,
        () => this.nextTxSeq,
        (m) => this.onOrderMessage(m, deliver),
      ),
    );
    this.loops.push(
      this.follow(
        this.sigStream,
        () => this.nextSigSeq,
        async (m) => {
          this.nextSigSeq = m.seq + 1;
          this.onSignatureMessage(m, onSignature);
        },
      ),
    );
  }

  /**
   * Reads a stream from a sequence for as long as the orderer runs. An ordered consumer
   * can stall when the server it was on dies; missed heartbeats (1 s) or an ended
   * iteration make this re-create it from the next sequence not yet handled.
   */
  private async follow(
    stream: string,
    from: () => number,
    handle: (m: JsMsg) => Promise<void>,
  ): Promise<void> {
    const watchdogs: NodeJS.Timeout[] = [];
    while (!this.stopped) {
      let messages: ConsumerMessages | undefined;
      try {
        const consumer = await this.js!.consumers.get(stream, {
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: from(),
        });
        messages = await consumer.consume({ idle_heartbeat: 1000, max_messages: 1000 });
        this.active.add(messages);
        const current = messages;
        // Watchdog: when the stream has messages this consumer has not delivered for a
        // while (its server died, the client library did not notice), start over.
        let lastProgress = Date.now();
        let seenSeq = from() - 1;
        const watchdog = setInterval(() => {
          void (async () => {
            if (from() - 1 > seenSeq) {
              seenSeq = from() - 1;
              lastProgress = Date.now();
              return;
            }
            if (Date.now() - lastProgress < 3000) return;
            const info = await this.jsm!.streams.info(stream).catch(() => undefined);
            if (info && info.state.last_seq >= from()) {
              if (process.env.DDI_DEBUG_NATS)
                console.error(
                  `[nats ${this.operatorId.slice(-6)} ${stream}] stalled at ${from()}, re-creating`,
                );
              await current.close().catch(() => {});
            }
            lastProgress = Date.now();
          })();
        }, 1000);
        watchdogs.push(watchdog);
        for await (const m of messages) await handle(m);
      } catch (err) {
        // The cluster is unreachable or re-electing: try again shortly.
        if (process.env.DDI_DEBUG_NATS)
          console.error(`[nats ${this.operatorId.slice(-6)} ${stream}] follow:`, String(err));
      } finally {
        if (messages) this.active.delete(messages);
        for (const w of watchdogs.splice(0)) clearInterval(w);
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** The deterministic part: every node turns the same stream into the same batches. */
  private async onOrderMessage(
    m: JsMsg,
    deliver: (batch: OrderedBatch) => Promise<void> | void,
  ): Promise<void> {
    if (m.seq < this.nextTxSeq) return; // already handled before a consumer was re-created
    this.nextTxSeq = m.seq + 1;
    if (m.subject === this.txSubject) {
      try {
        const { tx, id } = decodeTransaction(m.json());
        if (this.pendingTxs.length === 0) this.pendingSince = Date.now();
        this.pendingTxs.push({ id, tx, seq: m.seq });
        this.onOrdered?.({ id, tx });
        this.scheduleCut();
      } catch {
        // Not a transaction: every node skips it alike.
      }
      return;
    }
    if (m.subject !== this.cutSubject) return;
    let cut: CutRecord;
    try {
      cut = m.json<CutRecord>();
    } catch {
      return;
    }
    if (!this.isValidCut(cut, this.options.head())) return;
    const txs = this.pendingTxs.splice(0, this.pendingTxs.length).map(({ id, tx }) => ({ id, tx }));
    await deliver({ txs, time: cut.time, cursor: String(m.seq) });
    if (this.pendingTxs.length > 0) this.pendingSince = Date.now();
    // A new height means a new proposer order: drop a timer set for the old one.
    if (this.cutTimer) clearTimeout(this.cutTimer);
    this.cutTimer = undefined;
    this.scheduleCut();
  }

  private isValidCut(cut: CutRecord, head: { height: number; time: number }): boolean {
    if (cut?.kind !== 'cut' || cut.height !== head.height + 1) return false;
    if (!Number.isSafeInteger(cut.time) || cut.time <= head.time) return false;
    if (!this.options.operatorsAt(cut.height).includes(cut.proposer)) return false;
    try {
      const key = publicKeyFromMultibase(cut.proposer);
      return verify(
        key.type,
        key.publicKey,
        cutSigningInput(this.options.chainId, cut.height, cut.time),
        base64url.decode(cut.sig),
      );
    } catch {
      return false;
    }
  }

  /**
   * Proposing is not deterministic and need not be: the operator whose turn it is (by
   * height) cuts after `cutDelayMs`; the others step in later if it is slow or down.
   */
  private scheduleCut(): void {
    if (this.cutTimer || this.stopped || this.pendingTxs.length === 0) return;
    const head = this.options.head();
    const height = head.height + 1;
    const operators = this.options.operatorsAt(height);
    const rank =
      (operators.indexOf(this.operatorId) - (height % operators.length) + operators.length) %
      operators.length;
    const full = this.pendingTxs.length >= (this.options.maxBlockTransactions ?? 2000);
    const delay = full && rank === 0 ? 0 : (this.options.cutDelayMs ?? 20) * (1 + rank * 10);
    const wait = Math.max(0, this.pendingSince + delay - Date.now());
    this.cutTimer = setTimeout(() => {
      this.cutTimer = undefined;
      void this.proposeCut().finally(() => this.scheduleCut());
    }, wait);
  }

  private async proposeCut(): Promise<void> {
    if (!this.js || this.stopped || this.pendingTxs.length === 0) return;
    const head = this.options.head();
    const height = head.height + 1;
    // One proposal per height per second: a lost cut is retried, a seen one is not repeated.
    if (this.lastProposed.height === height && Date.now() - this.lastProposed.at < 1000) return;
    this.lastProposed = { height, at: Date.now() };
    const time = Math.max(Date.now(), head.time + 1);
    const { operatorKey } = this.options;
    const cut: CutRecord = {
      kind: 'cut',
      height,
      time,
      proposer: this.operatorId,
      sig: base64url.encode(
        sign(
          operatorKey.type,
          operatorKey.privateKey,
          cutSigningInput(this.options.chainId, height, time),
        ),
      ),
    };
    try {
      await this.js.publish(this.cutSubject, JSON.stringify(cut), {
        msgID: `cut:${height}:${this.operatorId}:${time}`,
      });
    } catch {
      // The cluster is unavailable or re-electing; the timer proposes again.
    }
  }

  async submit(items: Array<{ id: string; tx: Transaction }>): Promise<void> {
    // msgID = transaction id: JetStream drops a resubmission inside its duplicate window,
    // the ledger rejects one after it (replay) — so retrying through a failover is safe.
    await Promise.all(
      items.map(({ id, tx }) => this.publishWithRetry(this.txSubject, JSON.stringify(tx), id)),
    );
  }

  /**
   * Publishes until the cluster acknowledges, riding out a server loss or a stream leader
   * election (seconds in nats-server 2.9), up to `publishTimeoutMs`.
   */
  private async publishWithRetry(subject: string, data: string, msgID: string): Promise<void> {
    const deadline = Date.now() + (this.options.publishTimeoutMs ?? 15_000);
    for (let attempt = 0; ; attempt++) {
      if (!this.js || this.stopped)
        throw new DdiError(ErrorCode.Unavailable, 'not connected to the ordering cluster');
      try {
        await this.js.publish(subject, data, { msgID, timeout: 2000 });
        return;
      } catch (err) {
        if (Date.now() > deadline) {
          throw new DdiError(
            ErrorCode.Unavailable,
            `the ordering cluster did not accept the transaction: ${String(err)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }

  private onSignatureMessage(
    m: JsMsg,
    onSignature?: (message: BlockSignatureMessage) => void,
  ): void {
    try {
      const message = m.json<BlockSignatureMessage>();
      if (
        Number.isSafeInteger(message.height) &&
        typeof message.hash === 'string' &&
        message.signature
      ) {
        onSignature?.(message);
      }
    } catch {
      // ignore malformed
    }
  }

  async publishSignature(message: BlockSignatureMessage): Promise<void> {
    if (!this.js) return;
    await this.publishWithRetry(
      this.sigSubject,
      JSON.stringify(message),
      `sig:${message.height}:${message.signature.operator}`,
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.cutTimer) clearTimeout(this.cutTimer);
    await Promise.allSettled([...this.active].map((m) => m.close()));
    await Promise.allSettled(this.loops);
    await this.nc?.drain().catch(() => {});
  }
}

async function ensureStream(
  jsm: Awaited<ReturnType<typeof jetstreamManager>>,
  config: { name: string; subjects: string[]; replicas: number },
): Promise<void> {
  try {
    await jsm.streams.info(config.name);
    return;
  } catch {
    // not there yet
  }
  try {
    await jsm.streams.add({
      name: config.name,
      subjects: config.subjects,
      num_replicas: config.replicas,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      // History is never dropped silently: a full stream refuses new writes instead.
      discard: DiscardPolicy.New,
      max_age: 0,
      max_msgs: -1,
      max_bytes: -1,
      duplicate_window: 120 * 1_000_000_000,
    });
  } catch (err) {
    // Another node created it at the same moment.
    await jsm.streams.info(config.name).catch(() => {
      throw err;
    });
  }
}
