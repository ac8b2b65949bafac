import { publicKeyFromMultibase, verify } from '../../core/keys/index.ts';
import type { KeyTypeName } from '../../core/keys/key-type.ts';

/** Work that can run on any thread: decode (and point-check) Multikeys, verify signatures. */
export interface VerificationJob {
  multikeys: string[];
  signatures: Array<{
    type: KeyTypeName;
    publicKey: Uint8Array;
    input: Uint8Array;
    signature: Uint8Array;
  }>;
}

export interface VerificationResult {
  /** The decoded key, or null when the text is not a valid Multikey. */
  multikeys: Array<{ type: KeyTypeName; publicKey: Uint8Array } | null>;
  signatures: boolean[];
}

/** Runs a job with the same core functions the state machine uses. */
export function runVerificationJob(job: VerificationJob): VerificationResult {
  return {
    multikeys: job.multikeys.map((text) => {
      try {
        return publicKeyFromMultibase(text);
      } catch {
        return null;
      }
    }),
    signatures: job.signatures.map((s) => verify(s.type, s.publicKey, s.input, s.signature)),
  };
}
