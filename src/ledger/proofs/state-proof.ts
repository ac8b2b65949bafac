import { DdiError, ErrorCode } from '../../core/errors.ts';
import { base64url } from '../../core/encoding/base64url.ts';
import { publicKeyFromMultibase, verify } from '../../core/keys/index.ts';
import type { BlockHeader, BlockSignature } from '../block.ts';
import { blockHash, headerSigningInput } from '../block.ts';
import { sparseMerkleProofFromJSON, verifySparseMerkleProof } from '../state/merkle-proof.ts';
import type { SparseMerkleProofJSON } from '../state/merkle-proof.ts';
import { stateTreeKey, stateValueHash } from '../state/world-state.ts';
import type { StateReader } from '../state/world-state.ts';

/**
 * A node's answer about one state entry that a client can check without trusting the
 * node: the value (or its absence), its sparse-Merkle proof, and the block header whose
 * state root the proof leads to, with the operators' signatures on that header.
 */
export interface StateProof {
  key: string;
  value: string | null;
  proof: SparseMerkleProofJSON;
  header: BlockHeader;
  hash: string;
  signatures: BlockSignature[];
}

/** What a light client trusts: the network, its operators' keys, how many must sign. */
export interface TrustAnchor {
  chainId: string;
  operators: string[];
  quorum: number;
}

export interface VerifyStateProofOptions {
  /** Reject answers from below this height (the client has seen newer). */
  minHeight?: number;
  /** Reject answers whose block is older than this (ms), relative to `now`. */
  maxAgeMs?: number;
  now?: number;
}

function invalid(message: string): DdiError {
  return new DdiError(ErrorCode.InvalidProof, message);
}

/**
 * Checks a state proof against a trust anchor and returns the proven value (null = proven
 * absent). Throws `invalidProof` for anything forged and `staleProof` for old answers.
 */
export function verifyStateProof(
  answer: StateProof,
  anchor: TrustAnchor,
  options: VerifyStateProofOptions = {},
): { key: string; value: string | null; height: number; time: number } {
  if (typeof answer?.key !== 'string') throw invalid('not a state proof');
  const values = verifyStateProofBundle(
    { header: answer.header, hash: answer.hash, signatures: answer.signatures, entries: [answer] },
    anchor,
    options,
  );
  return {
    key: answer.key,
    value: values.get(answer.key) ?? null,
    height: answer.header.height,
    time: answer.header.time,
  };
}

/** Several state entries proven against one signed header (what one query read). */
export interface StateProofBundle {
  header: BlockHeader;
  hash: string;
  signatures: BlockSignature[];
  entries: Array<{ key: string; value: string | null; proof: SparseMerkleProofJSON }>;
}

/**
 * Checks a bundle: the header is the anchor's chain, signed by a quorum of its operators,
 * fresh enough; every entry's Merkle proof leads to the header's state root. Returns the
 * proven values by key (null = proven absent).
 */
export function verifyStateProofBundle(
  bundle: StateProofBundle,
  anchor: TrustAnchor,
  options: VerifyStateProofOptions = {},
): Map<string, string | null> {
  const { header } = bundle ?? {};
  if (typeof header !== 'object' || header === null || !Array.isArray(bundle.entries))
    throw invalid('not a state proof');
  if (header.chainId !== anchor.chainId)
    throw invalid(`proof is for chain ${header.chainId}, not ${anchor.chainId}`);
  if (blockHash(header) !== bundle.hash) throw invalid('header hash does not match the header');
  const input = headerSigningInput(bundle.hash);
  const signers = new Set<string>();
  for (const s of bundle.signatures ?? []) {
    if (!anchor.operators.includes(s.operator) || signers.has(s.operator)) continue;
    try {
      const key = publicKeyFromMultibase(s.operator);
      if (verify(key.type, key.publicKey, input, base64url.decode(s.sig))) signers.add(s.operator);
    } catch {
      // a malformed signature counts for nothing
    }
  }
  if (signers.size < anchor.quorum) {
    throw invalid(`header signed by ${signers.size} operators; the quorum is ${anchor.quorum}`);
  }
  const root = Buffer.from(header.stateRoot, 'hex');
  const values = new Map<string, string | null>();
  for (const entry of bundle.entries) {
    let proof;
    try {
      proof = sparseMerkleProofFromJSON(entry.proof);
    } catch {
      throw invalid('malformed Merkle proof');
    }
    if (typeof entry.key !== 'string' || (entry.value !== null && typeof entry.value !== 'string'))
      throw invalid('malformed entry');
    const valueHash = entry.value === null ? null : stateValueHash(entry.value);
    if (
      root.length !== 32 ||
      !verifySparseMerkleProof(root, stateTreeKey(entry.key), valueHash, proof)
    ) {
      throw invalid(
        `the Merkle proof does not bind ${entry.key} to this value under the signed state root`,
      );
    }
    values.set(entry.key, entry.value);
  }
  if (options.minHeight !== undefined && header.height < options.minHeight) {
    throw new DdiError(
      ErrorCode.StaleProof,
      `answer from height ${header.height}; already saw ${options.minHeight}`,
    );
  }
  if (
    options.maxAgeMs !== undefined &&
    (options.now ?? Date.now()) - header.time > options.maxAgeMs
  ) {
    throw new DdiError(
      ErrorCode.StaleProof,
      `answer from a block ${(options.now ?? Date.now()) - header.time} ms old`,
    );
  }
  return values;
}

/** A state reader that remembers every key a query read (so a node can prove them all). */
export class RecordingStateReader implements StateReader {
  readonly keys = new Set<string>();
  constructor(private readonly base: StateReader) {}
  get(key: string): string | undefined {
    this.keys.add(key);
    return this.base.get(key);
  }
}

/**
 * A state reader over proven values only: a light client re-runs a query on it. Reading a
 * key the node did not prove means the node's answer was incomplete: `invalidProof`.
 */
export class ProvenStateReader implements StateReader {
  constructor(private readonly values: Map<string, string | null>) {}
  get(key: string): string | undefined {
    if (!this.values.has(key)) throw invalid(`the answer did not prove ${key}`);
    return this.values.get(key) ?? undefined;
  }
}
