import type { DidDocument } from '../../core/did/index.ts';
import type { Transaction } from '../../ledger/transaction.ts';
import type { TransactionStatus } from './transport.ts';

/** How long an action waits for its transaction. */
export interface WaitOptions {
  /** Wait for the block (default true); false returns once the node has accepted it. */
  wait?: boolean;
  /** Longest wait in ms (the node's default otherwise). */
  timeoutMs?: number;
}

/** What every DID action returns. */
export interface DidOperationResult {
  did: string;
  txId: string;
  /** `committed` (with its block) when waited for, `pending` otherwise. */
  status: TransactionStatus;
  /** The versionId this operation creates ("1" for a create). */
  versionId: string;
  /** The W3C DID document as it reads after this operation. */
  document: DidDocument;
  /** The signed transaction as submitted. */
  transaction: Transaction;
}

/** What a registry write (accreditation, blocklist, template, organization…) returns. */
export interface TransactionResult {
  txId: string;
  /** `committed` (with its block) when waited for, `pending` otherwise. */
  status: TransactionStatus;
  /** The signed transaction as submitted. */
  transaction: Transaction;
}
