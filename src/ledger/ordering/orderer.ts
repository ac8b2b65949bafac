import type { Transaction } from '../transaction.ts';
import type { BlockSignature } from '../block.ts';

/** An ordered batch: the next block's transactions, in order, and its proposed time. */
export interface OrderedBatch {
  txs: Array<{ id: string; tx: Transaction }>;
  time: number;
  /** Where the backend resumes after this batch (stored atomically with the block). */
  cursor?: string;
}

/** An operator's signature on a block header, as operators exchange them. */
export interface BlockSignatureMessage {
  height: number;
  hash: string;
  signature: BlockSignature;
}

/**
 * An ordering backend. It decides the order of transactions, nothing else: every node
 * executes and validates what it delivers. `embedded` orders for one node; a replicated
 * backend (NATS JetStream) gives many nodes the same order.
 */
export interface Orderer {
  /** 'embedded' or 'nats', for status reports. */
  readonly kind: string;
  /**
   * Starts delivering batches; `deliver` is awaited before the next batch is delivered.
   * Backends shared by several operators also deliver the others' block signatures.
   */
  start(
    deliver: (batch: OrderedBatch) => Promise<void> | void,
    onSignature?: (message: BlockSignatureMessage) => void,
    /** Sees each transaction as soon as it is ordered, before its block is cut (to pre-verify it). */
    onOrdered?: (item: { id: string; tx: Transaction }) => void,
  ): Promise<void>;
  /** Shares this node's signature on a block with the other operators (shared backends only). */
  publishSignature?(message: BlockSignatureMessage): Promise<void>;
  /** Hands checked transactions to the ordering service. */
  submit(items: Array<{ id: string; tx: Transaction }>): Promise<void>;
  /** Stops delivering; resolves when the batch in flight (if any) is done. */
  stop(): Promise<void>;
}
