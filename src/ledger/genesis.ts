import { canonicalBytes } from '../core/encoding/canonical-json.ts';
import { sha256 } from '../core/hash/index.ts';
import { DdiError, ErrorCode } from '../core/errors.ts';
import { publicKeyFromMultibase } from '../core/keys/index.ts';
import { hex } from './block.ts';

/**
 * The document a network starts from. Every node of a network holds the same genesis;
 * its hash is recorded in the data directory and a node refuses any other.
 */
export interface Genesis {
  chainId: string;
  /** Milliseconds since the epoch: the time of block 0. */
  time: number;
  /** Operators whose keys sign block headers (Multikey public keys). */
  operators: Array<{ name: string; publicKeyMultibase: string }>;
}

/** State key under which the genesis is committed in block 0. */
export const GENESIS_STATE_KEY = 'network/genesis';

/** hex SHA-256 of the genesis' canonical JSON. */
export function genesisHash(genesis: Genesis): string {
  return hex(sha256(canonicalBytes(genesis)));
}

/** Checks an untrusted genesis document. Throws `malformed`. */
export function validateGenesis(value: unknown): Genesis {
  const g = value as Partial<Genesis> | null;
  const ok =
    typeof g === 'object' &&
    g !== null &&
    typeof g.chainId === 'string' &&
    /^[A-Za-z0-9._-]{1,64}$/.test(g.chainId) &&
    Number.isSafeInteger(g.time) &&
    Array.isArray(g.operators) &&
    g.operators.length > 0 &&
    g.operators.every(
      (o) => typeof o?.name === 'string' && typeof o.publicKeyMultibase === 'string',
    );
  if (!ok)
    throw new DdiError(
      ErrorCode.Malformed,
      'genesis must have chainId, time and at least one operator',
    );
  for (const o of g.operators!) publicKeyFromMultibase(o.publicKeyMultibase);
  return { chainId: g.chainId!, time: g.time!, operators: g.operators! };
}
