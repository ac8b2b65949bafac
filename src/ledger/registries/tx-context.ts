import type { StateWriter } from '../state/world-state.ts';
import type { Transaction } from '../transaction.ts';
import type { DidVersionRow } from '../storage/sqlite-ledger-store.ts';
import type { SignatureChecker } from './signature-checker.ts';

/** What a transaction handler sees: the staged state, the block it runs in, and its own bytes. */
export interface TxContext {
  tx: Transaction;
  txId: string;
  chainId: string;
  height: number;
  /** Block time (ms): the ledger's clock, the same on every node. */
  time: number;
  state: StateWriter;
  signatures: SignatureChecker;
  /** Index rows written with the block (not part of the state commitment). */
  didVersions: DidVersionRow[];
}

/** A registry's handler for one transaction type: throws DdiError to reject, changes nothing then. */
export type TxHandler = (ctx: TxContext) => void;
