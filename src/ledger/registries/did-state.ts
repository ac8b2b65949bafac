import type { DidDocumentContent } from '../../core/did/index.ts';
import type { StateReader } from '../state/world-state.ts';

/** A DID's current state as the ledger stores it (under `didStateKey(did)`). */
export interface DidRecord {
  did: string;
  version: number;
  /** null once deactivated. */
  content: DidDocumentContent | null;
  /** null once deactivated. */
  recoveryCommitment: string | null;
  created: number;
  updated: number;
  deactivated: boolean;
}

/** State key of a DID record. */
export function didStateKey(did: string): string {
  return `did/${did}`;
}

/** Reads a DID record from any state view. */
export function readDidRecord(state: StateReader, did: string): DidRecord | undefined {
  const raw = state.get(didStateKey(did));
  return raw === undefined ? undefined : (JSON.parse(raw) as DidRecord);
}
