import { parseDdiDid } from '../../core/did/index.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import { RecordingStateReader } from '../../ledger/proofs/state-proof.ts';
import type { StateProofBundle } from '../../ledger/proofs/state-proof.ts';
import { readDidRecord } from '../../ledger/registries/did-state.ts';
import { checkTrust } from '../registry-queries/trust-queries.ts';
import type { TrustCheckAnswer, TrustCheckQuery } from '../registry-queries/trust-queries.ts';
import { statusEntry } from '../registry-queries/status-list-query.ts';
import type { StatusEntryView } from '../registry-queries/status-list-query.ts';

/**
 * Answers a light client can check without trusting this node: each query runs over a
 * state reader that records what it read, and the node returns Merkle proofs of exactly
 * those entries against its head header with the operators' signatures. The client re-runs
 * the same query over the proven entries (ledger code, deterministic) and gets the answer.
 */
export function proveDidRecord(
  ledger: Ledger,
  didInput: string,
): { did: string; proof: StateProofBundle } {
  const did = parseDdiDid(didInput);
  const reader = new RecordingStateReader(ledger.state);
  readDidRecord(reader, did);
  return { did, proof: ledger.proveStateKeys(reader.keys) };
}

/** The trust check of `GET /v1/trust/check`, with proofs of every entry it read. */
export function proveTrustCheck(
  ledger: Ledger,
  query: TrustCheckQuery,
): { answer: TrustCheckAnswer; proof: StateProofBundle } {
  const reader = new RecordingStateReader(ledger.state);
  const answer = checkTrust(ledger, query, reader);
  return { answer, proof: ledger.proveStateKeys(reader.keys) };
}

/**
 * One status list entry with proofs of what it read: the list's record (owner, size, bits)
 * and the one page holding the entry, or that page's absence (all entries valid).
 */
export function proveStatusEntry(
  ledger: Ledger,
  owner: unknown,
  listId: unknown,
  index: unknown,
): { entry: StatusEntryView; proof: StateProofBundle } {
  const reader = new RecordingStateReader(ledger.state);
  const entry = statusEntry(reader, owner, listId, index);
  return { entry, proof: ledger.proveStateKeys(reader.keys) };
}
