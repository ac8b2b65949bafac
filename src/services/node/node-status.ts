import { sm2Backend } from '../../core/keys/index.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import type { Divergence, LedgerNode } from '../../ledger/ledger-node.ts';

/** What `GET /v1/status` reports about a node. */
export interface NodeStatus {
  chainId: string;
  operator: string;
  height: number;
  headHash: string;
  headTime: number;
  stateRoot: string;
  ordering: string;
  sm2Backend: string;
  uptimeSeconds: number;
  /** Operators in the set for the next block, and the signatures finality needs. */
  operators: number;
  quorum: number;
  /** The highest block a quorum of operators has signed. */
  finalHeight: number;
  /** Present when this node's blocks differ from those a quorum signed: it stops serving. */
  divergence?: Divergence;
}

/** A node's status: network, head of the chain, state root, backends. */
export function nodeStatus(ledger: Ledger, startedAt: number, node?: LedgerNode): NodeStatus {
  const head = ledger.head();
  const next = head.header.height + 1;
  return {
    chainId: ledger.chainId,
    operator: ledger.operator,
    height: head.header.height,
    headHash: head.hash,
    headTime: head.header.time,
    stateRoot: head.header.stateRoot,
    ordering: node?.orderingKind ?? 'embedded',
    sm2Backend: sm2Backend(),
    uptimeSeconds: (Date.now() - startedAt) / 1000,
    operators: ledger.operatorsAt(next).length,
    quorum: ledger.quorumAt(next),
    finalHeight: ledger.finalHeight(),
    ...(node?.divergence ? { divergence: node.divergence } : {}),
  };
}
