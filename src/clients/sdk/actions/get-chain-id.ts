import type { Transport } from '../transport.ts';

// One lookup per transport: a node's chain never changes while it runs.
const chainIds = new WeakMap<Transport, Promise<string>>();

/** The chain id of the node behind `transport` (asked once, then cached for that transport). */
export function getChainId(transport: Transport): Promise<string> {
  let cached = chainIds.get(transport);
  if (!cached) {
    cached = transport.status().then((s) => s.chainId);
    // A failed lookup (node down) must not be remembered.
    cached.catch(() => chainIds.delete(transport));
    chainIds.set(transport, cached);
  }
  return cached;
}
