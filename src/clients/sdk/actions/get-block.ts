import type { Block } from '../../../ledger/block.ts';
import type { Transport } from '../transport.ts';

/** A block (header, hash, transaction ids, operator signatures) by height, or the head. */
export function getBlock(
  transport: Transport,
  height: number | 'latest' = 'latest',
): Promise<Block> {
  return transport.getBlock(height);
}
