import type { Transaction } from '../transaction.ts';
import type { OrderedBatch, Orderer } from './orderer.ts';

export interface EmbeddedOrdererOptions {
  /** Most transactions in one block. */
  maxBlockTransactions?: number;
  /** The previous block's time: proposed times stay strictly after it. */
  lastBlockTime: number;
}

/**
 * The default ordering: this node orders for itself, in arrival order. Transactions that
 * arrive while a block is being committed wait for the next one, so under load each block
 * (and each fsync) carries many transactions — group commit.
 */
export class EmbeddedOrderer implements Orderer {
  readonly kind = 'embedded';
  private queue: Array<{ id: string; tx: Transaction }> = [];
  private readonly queued = new Set<string>();
  private deliver?: (batch: OrderedBatch) => Promise<void> | void;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastTime: number;
  private readonly maxBlockTransactions: number;

  constructor(options: EmbeddedOrdererOptions) {
    this.lastTime = options.lastBlockTime;
    this.maxBlockTransactions = options.maxBlockTransactions ?? 2000;
  }

  async start(deliver: (batch: OrderedBatch) => Promise<void> | void): Promise<void> {
    this.deliver = deliver;
    this.kick();
  }

  async submit(items: Array<{ id: string; tx: Transaction }>): Promise<void> {
    if (this.stopped) throw new Error('orderer is stopped');
    // Idempotent per id while queued, like a replicated backend's deduplication.
    for (const item of items) {
      if (this.queued.has(item.id)) continue;
      this.queued.add(item.id);
      this.queue.push(item);
    }
    this.kick();
  }

  private kick(): void {
    if (this.running || !this.deliver || this.queue.length === 0 || this.stopped) return;
    this.running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .catch(() => {
        // The deliverer failed (it reports and stops the node); order nothing more.
        this.stopped = true;
      });
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && this.queue.length > 0 && this.deliver) {
        const txs = this.queue.splice(0, this.maxBlockTransactions);
        for (const { id } of txs) this.queued.delete(id);
        // Block time: this node's clock, kept strictly increasing.
        this.lastTime = Math.max(Date.now(), this.lastTime + 1);
        await this.deliver({ txs, time: this.lastTime });
        // Let requests that arrived meanwhile join the next block.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.running = undefined;
    }
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
