import { canonicalBytes } from '../core/encoding/canonical-json.ts';
import { sha256 } from '../core/hash/index.ts';

/**
 * A block header commits to everything a block changed: the previous header (hash
 * chain), its transactions (txRoot) and the world state after them (stateRoot).
 * Operators sign the header hash; clients trust a state root a quorum signed.
 */
export interface BlockHeader {
  chainId: string;
  height: number;
  /** Milliseconds since the epoch, proposed by the orderer and checked by every node. */
  time: number;
  previousHash: string;
  txRoot: string;
  txCount: number;
  stateRoot: string;
}

export interface BlockSignature {
  /** The operator's public key (Multikey), as listed in the genesis / operator registry. */
  operator: string;
  sig: string;
}

export interface Block {
  header: BlockHeader;
  hash: string;
  txIds: string[];
  signatures: BlockSignature[];
}

export const ZERO_HASH = '0'.repeat(64);
// Domain separation for operator signatures on headers.
const HEADER_SIGNING_PREFIX = new TextEncoder().encode('ddi/block/v1\n');

/** hex SHA-256 of the header's canonical JSON. */
export function blockHash(header: BlockHeader): string {
  return hex(sha256(canonicalBytes(header)));
}

/** The bytes an operator signs for a header: a prefix and the header hash. */
export function headerSigningInput(hash: string): Uint8Array {
  const out = new Uint8Array(HEADER_SIGNING_PREFIX.length + 32);
  out.set(HEADER_SIGNING_PREFIX, 0);
  out.set(Buffer.from(hash, 'hex'), HEADER_SIGNING_PREFIX.length);
  return out;
}

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/**
 * Merkle root of the block's transaction ids (RFC 6962 shape: leaf = H(0x00‖id),
 * node = H(0x01‖left‖right), an odd node is promoted). Empty block → ZERO_HASH.
 */
export function transactionRoot(txIds: readonly string[]): string {
  if (txIds.length === 0) return ZERO_HASH;
  let level: Uint8Array[] = txIds.map((id) =>
    sha256(Buffer.concat([LEAF, Buffer.from(id, 'hex')])),
  );
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1];
      next.push(right ? sha256(Buffer.concat([NODE, left, right])) : left);
    }
    level = next;
  }
  return hex(level[0]!);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
