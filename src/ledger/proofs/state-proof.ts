import { DdiError, ErrorCode } from '../../core/errors.ts';
import { base64url } from '../../core/encoding/base64url.ts';
import { publicKeyFromMultibase, verify } from '../../core/keys/index.ts';
import type { BlockHeader, BlockSignature } from '../block.ts';
import { blockHash, headerSigningInput } from '../block.ts';
import { sparseMerkleProofFromJSON, verifySparseMerkleProof } from '../state/merkle-proof.ts';
import type { SparseMerkleProofJSON } from '../state/merkle-proof.ts';
import { stateTreeKey, stateValueHash } from '../state/world-state.ts';

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
  const { header } = answer;
  if (typeof answer?.key !== 'string' || typeof header !== 'object' || header === null)
    throw invalid('not a state proof');
  if (header.chainId !== anchor.chainId)
    throw invalid(`proof is for chain ${header.chainId}, not ${anchor.chainId}`);
  if (blockHash(header) !== answer.hash) throw invalid('header hash does not match the header');
  const input = headerSigningInput(answer.hash);
  const signers = new Set<string>();
  for (const s of answer.signatures ?? []) {
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
  let proof;
  try {
    proof = sparseMerkleProofFromJSON(answer.proof);
  } catch {
    throw invalid('malformed Merkle proof');
  }
  const root = Buffer.from(header.stateRoot, 'hex');
  const valueHash = answer.value === null ? null : stateValueHash(answer.value);
  if (
    root.length !== 32 ||
    !verifySparseMerkleProof(root, stateTreeKey(answer.key), valueHash, proof)
  ) {
    throw invalid(
      `the Merkle proof does not bind ${answer.key} to this value under the signed state root`,
    );
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
  return { key: answer.key, value: answer.value, height: header.height, time: header.time };
}
