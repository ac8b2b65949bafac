import type { NodeStatus, Transport } from '../transport.ts';

/** The node's chain id, head of chain and state root. */
export function getNodeStatus(transport: Transport): Promise<NodeStatus> {
  return transport.status();
}
