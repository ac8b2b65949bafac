import type { Transaction } from '../transaction.ts';

/** An ordered batch: the next block's transactions, in order, and its proposed time. */
export interface OrderedBatch {
  txs: Array<{ id: string; tx: Transaction }>;
  time: number;
}

/**
 * An ordering backend. It decides the order of transactions, nothing else: every node
 * executes and validates what it delivers. `embedded` orders for one node; a replicated
 * backend (NATS JetStream) gives many nodes the same order.
 */
export interface Orderer {
  /** Starts delivering batches; `deliver` is awaited before the next batch is delivered. */
  start(deliver: (batch: OrderedBatch) => Promise<void> | void): Promise<void>;
  /** Hands checked transactions to the ordering service. */
  submit(items: Array<{ id: string; tx: Transaction }>): Promise<void>;
  /** Stops delivering; resolves when the batch in flight (if any) is done. */
  stop(): Promise<void>;
}
