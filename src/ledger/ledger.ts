import { DdiError, ErrorCode } from '../core/errors.ts';
import { base64url } from '../core/encoding/base64url.ts';
import { publicKeyFromMultibase, publicKeyToMultibase, sign, verify } from '../core/keys/index.ts';
import type { KeyPair } from '../core/keys/key-type.ts';
import type { Block, BlockHeader, BlockSignature } from './block.ts';
import { ZERO_HASH, blockHash, headerSigningInput, transactionRoot } from './block.ts';
import type { Genesis } from './genesis.ts';
import { GENESIS_STATE_KEY, genesisHash, validateGenesis } from './genesis.ts';
import { StateMachine } from './state-machine.ts';
import type { ExecutedBlock } from './state-machine.ts';
import { SqliteLedgerStore } from './storage/sqlite-ledger-store.ts';
import { StateOverlay, WorldState, stateTreeKey } from './state/world-state.ts';
import { sparseMerkleProofToJSON } from './state/merkle-proof.ts';
import type { StateProof, StateProofBundle } from './proofs/state-proof.ts';
import { GOVERNANCE_STATE_KEY } from './registries/governance-registry.ts';
import {
  OPERATOR_SET_STATE_KEY,
  operatorsAt,
  readOperatorSet,
} from './registries/operator-registry.ts';
import type { OperatorSet } from './registries/operator-registry.ts';
import { readDidRecord } from './registries/did-state.ts';
import type { Transaction } from './transaction.ts';
import { transactionId } from './transaction.ts';
import type { SignatureChecker } from './registries/signature-checker.ts';

/** How far a proposed block time may be from this node's clock before it refuses to sign. */
export const MAX_CLOCK_SKEW_MS = 10_000;

/** Meta key of the ordering backend's position (e.g. the stream sequence of the last cut). */
const ORDERING_CURSOR = 'orderingCursor';

export interface LedgerOptions {
  dataDir: string;
  /** Required to initialise an empty data directory; checked against the stored one otherwise. */
  genesis?: Genesis;
  /** This node's operator key: it signs the headers of the blocks it commits. */
  operatorKey: KeyPair;
  /**
   * Refuse to open unless this key is in the operator set (default). A node on a shared
   * ordering backend may start before its admission: it follows the chain and co-signs
   * from the height the regulator admitted it.
   */
  requireOperator?: boolean;
}

export type TxStatus =
  | { status: 'committed'; height: number; position: number; blockHash: string }
  | { status: 'rejected'; code: string; message: string }
  | { status: 'unknown' };

export interface CommitResult {
  block?: Block;
  executed: ExecutedBlock;
}

/**
 * A node's copy of the ledger: verified blocks on disk, the world state and its Merkle
 * root, and the state machine. Ordering happens elsewhere (ordering/): the ledger takes an
 * ordered batch, executes it, and commits a block. It never assumes it is the only node.
 */
export class Ledger {
  readonly store: SqliteLedgerStore;
  readonly state: WorldState;
  readonly machine: StateMachine;
  readonly genesis: Genesis;
  readonly chainId: string;
  private headBlock: Block;
  private knownFinal = 0;
  private readonly operatorKey: KeyPair;
  private readonly operatorId: string;
  /** The operator set (with its history), re-read when a block changes it. */
  private operatorSet: OperatorSet;

  private constructor(
    store: SqliteLedgerStore,
    genesis: Genesis,
    operatorKey: KeyPair,
    head: Block,
  ) {
    this.store = store;
    this.genesis = genesis;
    this.chainId = genesis.chainId;
    this.operatorKey = operatorKey;
    this.operatorId = publicKeyToMultibase(operatorKey.type, operatorKey.publicKey);
    this.machine = new StateMachine(genesis.chainId);
    this.headBlock = head;
    this.state = new WorldState(store);
    this.operatorSet = readOperatorSet(this.state);
  }

  /** Opens (or initialises) a data directory and verifies everything it loads. */
  static open(options: LedgerOptions): Ledger {
    const store = new SqliteLedgerStore(options.dataDir);
    try {
      const storedHash = store.getMeta('genesisHash');
      let genesis: Genesis;
      if (storedHash === undefined) {
        if (!options.genesis)
          throw new DdiError(ErrorCode.NotFound, 'empty data directory and no genesis given');
        genesis = validateGenesis(options.genesis);
        const self = publicKeyToMultibase(options.operatorKey.type, options.operatorKey.publicKey);
        if (
          options.requireOperator !== false &&
          !genesis.operators.some((o) => o.publicKeyMultibase === self)
        ) {
          throw new DdiError(
            ErrorCode.Unauthorized,
            `this node's key ${self} is not an operator in the genesis`,
          );
        }
        Ledger.writeGenesis(store, genesis, options.operatorKey);
      } else {
        genesis = validateGenesis(JSON.parse(store.getMeta('genesis') ?? 'null'));
        if (genesisHash(genesis) !== storedHash)
          throw new DdiError(ErrorCode.Corrupt, 'stored genesis does not match its hash');
        if (options.genesis && genesisHash(options.genesis) !== storedHash) {
          throw new DdiError(
            ErrorCode.Conflict,
            'this data directory belongs to a different genesis',
          );
        }
      }
      const head = store.getBlock(store.lastHeight());
      if (!head)
        throw new DdiError(ErrorCode.Corrupt, 'data directory has a genesis but no blocks');
      const ledger = new Ledger(store, genesis, options.operatorKey, head);
      if (
        options.requireOperator !== false &&
        !ledger.operatorsAt(head.header.height + 1).includes(ledger.operator)
      ) {
        throw new DdiError(
          ErrorCode.Unauthorized,
          `this node's key ${ledger.operator} is not in the network's operator set`,
        );
      }
      ledger.verifyStoredChain();
      return ledger;
    } catch (err) {
      store.close();
      throw err;
    }
  }

  private static writeGenesis(
    store: SqliteLedgerStore,
    genesis: Genesis,
    operatorKey: KeyPair,
  ): void {
    // Block 0 commits to the genesis document, the governance configuration and the
    // genesis transactions (the regulator's DID first of all); every one must apply.
    const base = new StateOverlay(new WorldState(store));
    base.set(GENESIS_STATE_KEY, JSON.stringify(genesis));
    base.set(GOVERNANCE_STATE_KEY, JSON.stringify({ ...genesis.governance, version: 1 }));
    const operatorSet: OperatorSet = { history: [{ fromHeight: 0, operators: genesis.operators }] };
    base.set(OPERATOR_SET_STATE_KEY, JSON.stringify(operatorSet));
    const txs = genesis.transactions.map((tx) => ({ id: transactionId(tx.body), tx }));
    const executed = new StateMachine(genesis.chainId).executeBlock(base, txs, {
      chainId: genesis.chainId,
      height: 0,
      time: genesis.time,
    });
    const failed = executed.rejected[0];
    if (failed) {
      throw new DdiError(
        ErrorCode.Malformed,
        `genesis transaction ${failed.id} is invalid: ${failed.code}: ${failed.message}`,
      );
    }
    for (const [key, value] of executed.writes) {
      if (value === null) base.delete(key);
      else base.set(key, value);
    }
    if (!readDidRecord(base, genesis.governance.regulator)) {
      throw new DdiError(ErrorCode.Malformed, 'genesis transactions must create the regulator DID');
    }
    const scratch = new WorldState(store);
    const txIds = txs.map((t) => t.id);
    const header: BlockHeader = {
      chainId: genesis.chainId,
      height: 0,
      time: genesis.time,
      previousHash: ZERO_HASH,
      txRoot: transactionRoot(txIds),
      txCount: txIds.length,
      stateRoot: scratch.applyToTree(base.writes),
    };
    const hash = blockHash(header);
    const block: Block = { header, hash, txIds, signatures: [signHeader(operatorKey, hash)] };
    store.db.transaction(() => {
      store.setMeta('genesis', JSON.stringify(genesis));
      store.setMeta('genesisHash', genesisHash(genesis));
      store.writeBlock({
        block,
        transactions: txs,
        rejected: [],
        stateWrites: base.writes,
        didVersions: executed.didVersions,
      });
    })();
  }

  /** Re-checks the hash chain, transaction roots, operator signatures and the state root on start. */
  private verifyStoredChain(): void {
    let previousHash = ZERO_HASH;
    let previousTime = -Infinity;
    const last = this.store.lastHeight();
    for (let height = 0; height <= last; height++) {
      const block = this.store.getBlock(height);
      if (!block) throw new DdiError(ErrorCode.Corrupt, `block ${height} is missing`);
      const { header } = block;
      const where = { height };
      if (header.height !== height || header.chainId !== this.chainId)
        throw new DdiError(ErrorCode.Corrupt, `block ${height} header is inconsistent`, where);
      if (blockHash(header) !== block.hash)
        throw new DdiError(
          ErrorCode.Corrupt,
          `block ${height} hash does not match its header`,
          where,
        );
      if (header.previousHash !== previousHash)
        throw new DdiError(
          ErrorCode.Corrupt,
          `block ${height} does not chain to block ${height - 1}`,
          where,
        );
      if (header.time <= previousTime)
        throw new DdiError(ErrorCode.Corrupt, `block ${height} time goes backwards`, where);
      if (transactionRoot(block.txIds) !== header.txRoot || block.txIds.length !== header.txCount) {
        throw new DdiError(
          ErrorCode.Corrupt,
          `block ${height} transactions do not match txRoot`,
          where,
        );
      }
      if (
        !block.signatures.some(
          // Block 0 is fixed by the genesis itself; later blocks carry an operator's signature,
          // or this node's own (an operator admitted later signs blocks it replays before
          // its admission height; peers' signatures may not have arrived before a crash).
          (s) =>
            (height === 0 ||
              this.operatorsAt(height).includes(s.operator) ||
              s.operator === this.operatorId) &&
            this.verifyHeaderSignature(block.hash, s.operator, s.sig),
        )
      ) {
        throw new DdiError(
          ErrorCode.Corrupt,
          `block ${height} carries no valid operator signature`,
          where,
        );
      }
      previousHash = block.hash;
      previousTime = header.time;
    }
    if (this.state.root() !== this.headBlock.header.stateRoot) {
      throw new DdiError(
        ErrorCode.Corrupt,
        'stored state does not match the state root of the last block',
        {
          expected: this.headBlock.header.stateRoot,
          actual: this.state.root(),
        },
      );
    }
  }

  /** True if `sig` is a valid signature over the header hash by `operator` (membership is checked by callers). */
  verifyHeaderSignature(hash: string, operator: string, sig: string): boolean {
    try {
      const key = publicKeyFromMultibase(operator);
      return verify(key.type, key.publicKey, headerSigningInput(hash), base64url.decode(sig));
    } catch {
      return false;
    }
  }

  head(): Block {
    return this.headBlock;
  }

  /** The block at `height` ('latest' for the head). Throws `notFound`. */
  blockAt(height: number | 'latest'): Block {
    const h = height === 'latest' ? this.headBlock.header.height : height;
    const block = h === this.headBlock.header.height ? this.headBlock : this.store.getBlock(h);
    if (!block) throw new DdiError(ErrorCode.NotFound, `no block at height ${height}`);
    return block;
  }

  /** A state entry (or its absence) with its Merkle proof against the head block's state root. */
  proveState(key: string): StateProof {
    const head = this.headBlock;
    return {
      key,
      value: this.state.get(key) ?? null,
      proof: sparseMerkleProofToJSON(this.state.tree.prove(stateTreeKey(key))),
      header: head.header,
      hash: head.hash,
      signatures: head.signatures,
    };
  }

  /** Several state entries with their proofs against the head block's state root. */
  proveStateKeys(keys: Iterable<string>): StateProofBundle {
    const head = this.headBlock;
    return {
      header: head.header,
      hash: head.hash,
      signatures: head.signatures,
      entries: [...keys].map((key) => ({
        key,
        value: this.state.get(key) ?? null,
        proof: sparseMerkleProofToJSON(this.state.tree.prove(stateTreeKey(key))),
      })),
    };
  }

  /** Screens a transaction against committed state; throws the error it would be rejected with. */
  checkTx(tx: Transaction, id: string, signatures?: SignatureChecker): void {
    if (this.store.hasTransaction(id))
      throw new DdiError(ErrorCode.Replay, `transaction ${id} is already on the ledger`);
    const { height, time } = this.headBlock.header;
    this.machine.checkTx(
      this.state,
      tx,
      id,
      { height: height + 1, time: Math.max(Date.now(), time + 1) },
      signatures,
    );
  }

  /**
   * Executes an ordered batch at the next height and commits it as one block (nothing is
   * written when no transaction applies). `time` is the proposer's block time.
   */
  commitBatch(
    txs: Array<{ id: string; tx: Transaction }>,
    time: number,
    cursor?: string,
  ): CommitResult {
    const parent = this.headBlock.header;
    // Deterministic: only the chain decides. (Whether a proposed time is near this node's
    // clock is the orderer's question; a node that disagrees withholds its signature.)
    if (!(time > parent.time)) {
      throw new DdiError(
        ErrorCode.Malformed,
        `block time ${time} is not after the last block (${parent.time})`,
      );
    }
    const meta = cursor === undefined ? undefined : { [ORDERING_CURSOR]: cursor };
    const height = parent.height + 1;
    const fresh: Array<{ id: string; tx: Transaction }> = [];
    const replays: ExecutedBlock['rejected'] = [];
    const seen = new Set<string>();
    for (const item of txs) {
      // Ids already on the ledger are rejected however they came back (NATS dedup windows expire).
      if (seen.has(item.id) || this.store.hasTransaction(item.id)) {
        replays.push({
          id: item.id,
          code: ErrorCode.Replay,
          message: 'transaction is already on the ledger',
        });
      } else {
        seen.add(item.id);
        fresh.push(item);
      }
    }
    const executed = this.machine.executeBlock(this.state, fresh, {
      chainId: this.chainId,
      height,
      time,
    });
    executed.rejected.unshift(...replays);
    if (executed.applied.length === 0) {
      this.store.writeRejections(parent.height, executed.rejected, meta);
      return { executed };
    }
    const txIds = executed.applied.map((a) => a.id);
    const header: BlockHeader = {
      chainId: this.chainId,
      height,
      time,
      previousHash: this.headBlock.hash,
      txRoot: transactionRoot(txIds),
      txCount: txIds.length,
      stateRoot: this.state.applyToTree(executed.writes),
    };
    const hash = blockHash(header);
    const block: Block = { header, hash, txIds, signatures: [signHeader(this.operatorKey, hash)] };
    this.store.writeBlock({
      block,
      transactions: executed.applied,
      rejected: executed.rejected,
      stateWrites: executed.writes,
      didVersions: executed.didVersions,
      ...(meta ? { meta } : {}),
    });
    this.headBlock = block;
    if (executed.writes.has(OPERATOR_SET_STATE_KEY)) this.operatorSet = readOperatorSet(this.state);
    return { block, executed };
  }

  txStatus(id: string): TxStatus {
    const stored = this.store.getTransaction(id);
    if (stored) {
      return {
        status: 'committed',
        height: stored.height,
        position: stored.position,
        blockHash: this.blockAt(stored.height).hash,
      };
    }
    const rejected = this.store.getRejection(id);
    if (rejected) return { status: 'rejected', code: rejected.code, message: rejected.message };
    return { status: 'unknown' };
  }

  /** Where the ordering backend left off (stored atomically with the last block). */
  orderingCursor(): string | undefined {
    return this.store.getMeta(ORDERING_CURSOR);
  }

  /** Operators whose signatures count for the block at `height`. */
  operatorsAt(height: number): string[] {
    return operatorsAt(this.operatorSet, height);
  }

  /**
   * Signatures needed for finality: a majority of the operators. Ordering (Raft in the NATS
   * cluster) already tolerates crashed orderers; co-signing detects a node that computes a
   * different state, so a client trusts a root once most operators vouch for it, and a
   * network of 3 stays final with one operator down. docs/operations.md discusses it.
   */
  quorumAt(height: number): number {
    return Math.floor(this.operatorsAt(height).length / 2) + 1;
  }

  /** The highest block with a quorum of signatures (scans down only to the last one found). */
  finalHeight(): number {
    for (let h = this.headBlock.header.height; h > this.knownFinal; h--) {
      if (this.isFinal(h)) {
        this.knownFinal = h;
        break;
      }
    }
    return this.knownFinal;
  }

  /** This node's signature over a block hash it committed. */
  signBlock(hash: string): BlockSignature {
    return signHeader(this.operatorKey, hash);
  }

  /**
   * Records another operator's signature on the block at `height`. Returns what it was:
   * added, a duplicate, for a hash other than ours ('mismatch' — counted towards divergence
   * by the caller), or invalid (not an operator, or does not verify).
   */
  addBlockSignature(
    height: number,
    hash: string,
    signature: BlockSignature,
  ): 'added' | 'duplicate' | 'mismatch' | 'invalid' | 'unknownBlock' {
    if (!this.operatorsAt(height).includes(signature.operator)) return 'invalid';
    if (!this.verifyHeaderSignature(hash, signature.operator, signature.sig)) return 'invalid';
    const block =
      height === this.headBlock.header.height ? this.headBlock : this.store.getBlock(height);
    if (!block) return 'unknownBlock';
    if (block.hash !== hash) return 'mismatch';
    if (block.signatures.some((s) => s.operator === signature.operator)) return 'duplicate';
    block.signatures.push(signature);
    this.store.addSignatures(height, block.signatures);
    return 'added';
  }

  /** True once a quorum of operators signed the block at `height`. */
  isFinal(height: number): boolean {
    const block =
      height === this.headBlock.header.height ? this.headBlock : this.store.getBlock(height);
    if (!block) return false;
    const operators = this.operatorsAt(height);
    // Only signatures of that height's operators count (a joining node signs its own copy).
    const signers = block.signatures.filter((s) => operators.includes(s.operator)).length;
    return signers >= this.quorumAt(height);
  }

  /** This node's operator id (its public key as Multikey). */
  get operator(): string {
    return this.operatorId;
  }

  close(): void {
    this.store.close();
  }
}

function signHeader(key: KeyPair, hash: string): { operator: string; sig: string } {
  return {
    operator: publicKeyToMultibase(key.type, key.publicKey),
    sig: base64url.encode(sign(key.type, key.privateKey, headerSigningInput(hash))),
  };
}
