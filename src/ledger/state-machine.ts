import { DdiError, ErrorCode } from '../core/errors.ts';
import type { DidVersionRow } from './storage/sqlite-ledger-store.ts';
import type { StateReader } from './state/world-state.ts';
import { StateOverlay } from './state/world-state.ts';
import type { Transaction } from './transaction.ts';
import { SignatureChecker } from './registries/signature-checker.ts';
import { didRegistryHandlers } from './registries/did-registry.ts';
import { governanceRegistryHandlers } from './registries/governance-registry.ts';
import { trustRegistryHandlers } from './registries/trust-registry.ts';
import { templateRegistryHandlers } from './registries/template-registry.ts';
import { organizationRegistryHandlers } from './registries/organization-registry.ts';
import { operatorRegistryHandlers } from './registries/operator-registry.ts';
import { statusRegistryHandlers } from './registries/status-registry.ts';
import { realNameRegistryHandlers } from './registries/real-name-registry.ts';
import { disclosureOrderRegistryHandlers } from './registries/disclosure-order-registry.ts';
import { consentRegistryHandlers } from './registries/consent-registry.ts';
import { auditAnchorRegistryHandlers } from './registries/audit-anchor-registry.ts';
import { deviceRegistryHandlers } from './registries/device-registry.ts';
import { applicationRegistryHandlers } from './registries/application-registry.ts';
import type { TxHandler } from './registries/tx-context.ts';

/** Every transaction type the ledger knows, mapped to the registry that applies it. */
const handlers: Record<string, TxHandler> = {
  ...didRegistryHandlers,
  ...governanceRegistryHandlers,
  ...trustRegistryHandlers,
  ...templateRegistryHandlers,
  ...organizationRegistryHandlers,
  ...operatorRegistryHandlers,
  ...statusRegistryHandlers,
  ...realNameRegistryHandlers,
  ...disclosureOrderRegistryHandlers,
  ...consentRegistryHandlers,
  ...auditAnchorRegistryHandlers,
  ...deviceRegistryHandlers,
  ...applicationRegistryHandlers,
};

export interface BlockContext {
  chainId: string;
  height: number;
  time: number;
}

export interface ExecutedBlock {
  applied: Array<{ id: string; tx: Transaction }>;
  rejected: Array<{ id: string; code: string; message: string }>;
  writes: Map<string, string | null>;
  didVersions: DidVersionRow[];
}

/**
 * The deterministic application, ABCI style: it knows nothing of ordering or storage.
 * `checkTx` screens a transaction against committed state; `executeBlock` applies an
 * ordered list and stages the writes. Same state + same list ⇒ same writes, on every node.
 */
export class StateMachine {
  readonly signatures = new SignatureChecker();

  constructor(private readonly chainId: string) {}

  /**
   * Throws the DdiError the transaction would be rejected with against `state`. A
   * `SignatureCollector` in place of the node's checker makes this a speculative run that
   * only gathers the signatures to verify.
   */
  checkTx(
    state: StateReader,
    tx: Transaction,
    id: string,
    context: Omit<BlockContext, 'chainId'>,
    signatures: SignatureChecker = this.signatures,
  ): void {
    this.run(
      new StateOverlay(state),
      tx,
      id,
      { ...context, chainId: this.chainId },
      [],
      signatures,
    );
  }

  /** Applies transactions in order; a failing one is recorded as rejected and changes nothing. */
  executeBlock(
    state: StateReader,
    txs: Array<{ id: string; tx: Transaction }>,
    context: BlockContext,
  ): ExecutedBlock {
    const block = new StateOverlay(state);
    const result: ExecutedBlock = {
      applied: [],
      rejected: [],
      writes: block.writes,
      didVersions: [],
    };
    for (const item of txs) {
      const txState = new StateOverlay(block);
      const versions: DidVersionRow[] = [];
      try {
        this.run(txState, item.tx, item.id, context, versions);
      } catch (err) {
        const e = err instanceof DdiError ? err : new DdiError(ErrorCode.Internal, String(err));
        result.rejected.push({ id: item.id, code: e.code, message: e.message });
        continue;
      }
      txState.mergeInto(block);
      result.didVersions.push(...versions);
      result.applied.push(item);
    }
    return result;
  }

  private run(
    state: StateOverlay,
    tx: Transaction,
    txId: string,
    context: BlockContext,
    didVersions: DidVersionRow[],
    signatures: SignatureChecker = this.signatures,
  ): void {
    if (tx.body.chainId !== this.chainId) {
      throw new DdiError(
        ErrorCode.WrongChain,
        `transaction is for chain "${tx.body.chainId}", this is "${this.chainId}"`,
      );
    }
    const handler = handlers[tx.body.type];
    if (!handler)
      throw new DdiError(ErrorCode.Malformed, `unknown transaction type "${tx.body.type}"`);
    handler({
      tx,
      txId,
      chainId: this.chainId,
      height: context.height,
      time: context.time,
      state,
      signatures,
      didVersions,
    });
  }
}
