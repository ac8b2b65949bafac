import { sm2Backend } from '../../core/keys/index.ts';
import type { Ledger } from '../../ledger/ledger.ts';

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
}

/** A node's status: network, head of the chain, state root, backends. */
export function nodeStatus(ledger: Ledger, startedAt: number): NodeStatus {
  const head = ledger.head();
  return {
    chainId: ledger.chainId,
    operator: ledger.operator,
    height: head.header.height,
    headHash: head.hash,
    headTime: head.header.time,
    stateRoot: head.header.stateRoot,
    ordering: 'embedded',
    sm2Backend: sm2Backend(),
    uptimeSeconds: (Date.now() - startedAt) / 1000,
  };
}
