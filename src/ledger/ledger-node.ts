import { EventEmitter } from 'node:events';
import { DdiError, ErrorCode } from '../core/errors.ts';
import type { Block } from './block.ts';
import type { Ledger, TxStatus } from './ledger.ts';
import { MAX_CLOCK_SKEW_MS } from './ledger.ts';
import type { BlockSignatureMessage, OrderedBatch, Orderer } from './ordering/orderer.ts';
import type { Transaction } from './transaction.ts';
import { decodeTransaction } from './transaction.ts';
import type { VerificationPool } from './verification/verification-pool.ts';
import { preverifyTransaction } from './verification/preverify.ts';

export type SubmitStatus = TxStatus | { status: 'pending' };

export interface SubmitOptions {
  /** Wait until the transaction is committed or rejected (default: return once it is accepted). */
  wait?: boolean;
  /** With `wait`: also wait until a quorum of operators has signed its block. */
  final?: boolean;
  /** Longest wait in ms when `wait` is set. */
  timeoutMs?: number;
}

type Waiter = (status: TxStatus) => void;

/** Most transactions one batch submission may carry. */
export const MAX_BATCH_TRANSACTIONS = 2000;

/**
 * One entry's outcome in a batch: its status, or why it was refused (`rejected` with a
 * code). `pending` means durably queued (in the pending journal; it survives a crash) and
 * is only answered without `wait`. With `wait`, an entry not in a block within the wait is
 * `timeout`: ordered but held in memory only — it may still commit, or be lost with the
 * node; ask its status and resubmit it if it is `unknown`.
 */
export type BatchEntryStatus = { id?: string } & (
  | SubmitStatus
  | { status: 'timeout'; message: string }
  | { status: 'rejected'; code: string; message: string; details?: Record<string, unknown> }
);

/**
 * A ledger with an ordering backend: the submit / status surface that the HTTP API and the
 * in-process SDK call. A transaction is checked, then either written to the durable pending
 * journal (answer: accepted, survives kill -9) or held until its block commits (wait).
 */
export interface Divergence {
  height: number;
  localHash: string;
  quorumHash: string;
}

export class LedgerNode extends EventEmitter<{
  block: [Block];
  final: [number];
  fatal: [Error];
  diverged: [Divergence];
}> {
  /** Set when a quorum of operators signed a different block than this node made: it stops serving. */
  divergence: Divergence | undefined;
  private readonly finalWaiters = new Map<number, Array<() => void>>();
  private readonly earlySignatures = new Map<number, BlockSignatureMessage[]>();
  private readonly conflicting = new Map<number, Map<string, Set<string>>>();
  private readonly pending = new Map<string, Transaction>();
  private readonly waiters = new Map<string, Waiter[]>();
  private journalQueue: Array<{
    item: { id: string; tx: Transaction };
    done: (err?: unknown) => void;
  }> = [];
  private journalScheduled = false;
  private closed = false;

  constructor(
    readonly ledger: Ledger,
    private readonly orderer: Orderer,
    /** Optional worker threads for signature checks; without it everything runs inline. */
    private readonly verificationPool?: VerificationPool,
  ) {
    super();
  }

  /** Starts ordering; transactions left in the pending journal by a crash are resubmitted first. */
  async start(): Promise<void> {
    await this.orderer.start(
      (batch) => this.onBatch(batch),
      (message) => this.onSignature(message),
      (item) => {
        // Transactions other nodes submitted: verify their signatures on the pool while
        // the block is being cut, so executing it finds them checked.
        if (this.verificationPool && !this.pending.has(item.id)) {
          void preverifyTransaction(this.ledger, this.verificationPool, item.tx, item.id).catch(
            () => {},
          );
        }
      },
    );
    const recovered: Array<{ id: string; tx: Transaction }> = [];
    const dropped: string[] = [];
    for (const item of this.ledger.store.allPending()) {
      try {
        this.ledger.checkTx(item.tx, item.id);
        recovered.push(item);
        this.pending.set(item.id, item.tx);
      } catch {
        dropped.push(item.id);
      }
    }
    if (dropped.length) this.ledger.store.removePending(dropped);
    if (recovered.length) await this.orderer.submit(recovered);
  }

  /** Checks and submits one transaction (raw JSON value). */
  async submit(
    value: unknown,
    options: SubmitOptions = {},
  ): Promise<{ id: string } & SubmitStatus> {
    if (this.closed) throw new DdiError(ErrorCode.Unavailable, 'node is shutting down');
    this.ensureServing();
    const { tx, id } = decodeTransaction(value);
    if (this.pending.has(id)) {
      // A client resubmitting a pending transaction (same id) may know better than we do that
      // it was lost (NATS 2.9 acknowledges before writing to disk): order it again — the
      // backend deduplicates by id — and wait for it.
      await this.orderer.submit([{ id, tx }]);
      return options.wait
        ? { id, ...(await this.waitFor(id, options.timeoutMs)) }
        : { id, status: 'pending' };
    }
    if (this.verificationPool) {
      await preverifyTransaction(this.ledger, this.verificationPool, tx, id);
      if (this.pending.has(id)) return this.submit(value, options);
    }
    this.ledger.checkTx(tx, id);
    this.pending.set(id, tx);
    const item = { id, tx };
    if (options.wait) {
      const status = this.waitFor(id, options.timeoutMs);
      await this.orderer.submit([item]);
      const result = await status;
      if (options.final && result.status === 'committed') {
        await this.waitForFinal(result.height, options.timeoutMs);
      }
      return { id, ...result };
    }
    await this.journal(item);
    await this.orderer.submit([item]);
    return { id, status: 'pending' };
  }

  /**
   * Submits many transactions in one call. Each entry is checked and ordered on its own,
   * exactly as `submit` would: a bad entry is refused with its own code and the others go
   * ahead — whatever goes wrong with one entry is that entry's `rejected` result, never the
   * whole batch's. A transaction given twice is submitted once; its later copies are
   * refused as `replay` (`details.duplicateOf`: the index of the first). Results come back
   * in the order of `values`; the order of the entries in blocks is not guaranteed, so a
   * batch must not rely on one entry applying before another.
   */
  async submitBatch(values: unknown, options: SubmitOptions = {}): Promise<BatchEntryStatus[]> {
    if (!Array.isArray(values) || values.length === 0 || values.length > MAX_BATCH_TRANSACTIONS) {
      throw new DdiError(
        ErrorCode.Malformed,
        `a batch is an array of 1..${MAX_BATCH_TRANSACTIONS} transactions`,
      );
    }
    const first = new Map<string, number>();
    return Promise.all(
      values.map(async (value, index): Promise<BatchEntryStatus> => {
        const id = idOf(value);
        if (id !== undefined) {
          const earlier = first.get(id);
          if (earlier !== undefined) {
            return {
              id,
              status: 'rejected',
              code: ErrorCode.Replay,
              message: `the same transaction is entry ${earlier} of this batch`,
              details: { duplicateOf: earlier },
            };
          }
          first.set(id, index);
        }
        try {
          return await this.submit(value, options);
        } catch (err) {
          // Still ordered, only not yet in a block within the wait — and not journalled.
          if (err instanceof DdiError && err.code === ErrorCode.Timeout && id) {
            return { id, status: 'timeout', message: err.message };
          }
          const error =
            err instanceof DdiError
              ? err
              : new DdiError(ErrorCode.Internal, 'this entry could not be submitted');
          return {
            ...(id ? { id } : {}),
            status: 'rejected',
            code: error.code,
            message: error.message,
            ...(error.details ? { details: error.details } : {}),
          };
        }
      }),
    );
  }

  /** Current status of a transaction. */
  status(id: string): SubmitStatus {
    if (this.pending.has(id)) return { status: 'pending' };
    return this.ledger.txStatus(id);
  }

  /** Resolves when `id` is committed or rejected. */
  waitFor(id: string, timeoutMs = 30_000): Promise<TxStatus> {
    const now = this.ledger.txStatus(id);
    if (now.status !== 'unknown' && !this.pending.has(id)) return Promise.resolve(now);
    return new Promise<TxStatus>((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(id);
        if (list) list.splice(list.indexOf(done), 1);
        reject(
          new DdiError(
            ErrorCode.Timeout,
            `transaction ${id} was not committed within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const done: Waiter = (status) => {
        clearTimeout(timer);
        resolve(status);
      };
      const list = this.waiters.get(id);
      if (list) list.push(done);
      else this.waiters.set(id, [done]);
    });
  }

  /** Group commit of the pending journal: all submissions of one tick share one fsync. */
  private journal(item: { id: string; tx: Transaction }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.journalQueue.push({ item, done: (err) => (err ? reject(err) : resolve()) });
      if (this.journalScheduled) return;
      this.journalScheduled = true;
      setImmediate(() => {
        const entries = this.journalQueue;
        this.journalQueue = [];
        this.journalScheduled = false;
        try {
          this.ledger.store.addPending(
            entries.map((e) => e.item),
            Date.now(),
          );
          for (const e of entries) e.done();
        } catch (err) {
          for (const e of entries) e.done(err);
        }
      });
    });
  }

  private onBatch(batch: OrderedBatch): void {
    let result: ReturnType<Ledger['commitBatch']>;
    try {
      result = this.ledger.commitBatch(batch.txs, batch.time, batch.cursor);
    } catch (err) {
      // A block that cannot be committed (disk failure, clock far off) stops the node: a
      // ledger that skipped or half-wrote a block would diverge from its peers.
      this.closed = true;
      const error = err instanceof Error ? err : new Error(String(err));
      for (const [id, list] of this.waiters) {
        this.waiters.delete(id);
        for (const w of list)
          w({ status: 'rejected', code: ErrorCode.Unavailable, message: error.message });
      }
      this.emit('fatal', error);
      throw error;
    }
    const { block, executed } = result;
    const settle = (id: string, status: TxStatus): void => {
      this.pending.delete(id);
      const list = this.waiters.get(id);
      if (!list) return;
      this.waiters.delete(id);
      for (const w of list) w(status);
    };
    executed.applied.forEach((a, position) => {
      settle(a.id, {
        status: 'committed',
        height: block!.header.height,
        position,
        blockHash: block!.hash,
      });
    });
    for (const r of executed.rejected)
      settle(r.id, { status: 'rejected', code: r.code, message: r.message });
    if (!block) return;
    this.emit('block', block);
    const height = block.header.height;
    if (
      this.orderer.publishSignature &&
      this.ledger.operatorsAt(height).includes(this.ledger.operator)
    ) {
      // Co-sign only a block whose time is near this node's clock (DESIGN: ledger time).
      if (Math.abs(block.header.time - Date.now()) <= MAX_CLOCK_SKEW_MS || this.catchingUp(block)) {
        void this.orderer
          .publishSignature({ height, hash: block.hash, signature: block.signatures[0]! })
          .catch(() => {
            // The signature is on disk with the block; a later block's exchange or a restart republishes.
          });
      }
    }
    for (const early of this.earlySignatures.get(height) ?? []) this.onSignature(early);
    this.earlySignatures.delete(height);
    this.checkFinal(height);
  }

  /** A block older than the clock-skew window is history being replayed, not a proposal. */
  private catchingUp(block: Block): boolean {
    return block.header.time < Date.now() - MAX_CLOCK_SKEW_MS;
  }

  /** Another operator's signature on a block: counts towards finality, or towards divergence. */
  private onSignature(message: BlockSignatureMessage): void {
    const outcome = this.ledger.addBlockSignature(message.height, message.hash, message.signature);
    if (outcome === 'unknownBlock') {
      const list = this.earlySignatures.get(message.height) ?? [];
      list.push(message);
      this.earlySignatures.set(message.height, list);
    } else if (outcome === 'added') {
      this.checkFinal(message.height);
    } else if (outcome === 'mismatch') {
      const byHash = this.conflicting.get(message.height) ?? new Map<string, Set<string>>();
      const signers = byHash.get(message.hash) ?? new Set<string>();
      signers.add(message.signature.operator);
      byHash.set(message.hash, signers);
      this.conflicting.set(message.height, byHash);
      if (!this.divergence && signers.size >= this.ledger.quorumAt(message.height)) {
        const local = this.ledger.blockAt(message.height).hash;
        this.divergence = { height: message.height, localHash: local, quorumHash: message.hash };
        console.error(
          `[ddi] DIVERGED at height ${message.height}: this node made ${local}, a quorum of operators signed ${message.hash}. ` +
            'The node stops serving; see docs/operations.md.',
        );
        this.emit('diverged', this.divergence);
      }
    }
  }

  private checkFinal(height: number): void {
    if (!this.ledger.isFinal(height)) return;
    for (const [h, list] of this.finalWaiters) {
      if (h > height) continue;
      this.finalWaiters.delete(h);
      for (const w of list) w();
    }
    this.emit('final', height);
  }

  /** Resolves once the block at `height` carries a quorum of operator signatures. */
  waitForFinal(height: number, timeoutMs = 30_000): Promise<void> {
    if (this.ledger.isFinal(height)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new DdiError(
            ErrorCode.Timeout,
            `block ${height} was not signed by a quorum within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const list = this.finalWaiters.get(height) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.finalWaiters.set(height, list);
    });
  }

  /** 'embedded' or 'nats'. */
  get orderingKind(): string {
    return this.orderer.kind;
  }

  /** Throws `unavailable` while this node disagrees with the operators' quorum. */
  ensureServing(): void {
    if (this.divergence) {
      throw new DdiError(
        ErrorCode.Unavailable,
        `this node diverged from the operators' quorum at height ${this.divergence.height}; it does not serve until repaired`,
        { ...this.divergence },
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.orderer.stop();
    await this.verificationPool?.close();
    this.ledger.close();
  }
}

/** The id of a value that decodes as a transaction, else undefined. */
function idOf(value: unknown): string | undefined {
  try {
    return decodeTransaction(value).id;
  } catch {
    return undefined;
  }
}
