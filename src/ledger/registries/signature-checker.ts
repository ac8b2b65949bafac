import { base64url } from '../../core/encoding/base64url.ts';
import type { KeyTypeName } from '../../core/keys/key-type.ts';
import { verify } from '../../core/keys/index.ts';
import { signingInput } from '../transaction.ts';
import type { Transaction, TransactionProof } from '../transaction.ts';

/**
 * Verifies transaction proofs, remembering recent successes: a transaction is checked when
 * it is admitted and again when its block executes, and the second check should be free.
 * The cache key includes the public key, so a key change between the two is re-verified.
 */
export class SignatureChecker {
  private readonly verified = new Map<string, true>();
  private readonly inputs = new WeakMap<Transaction, Uint8Array>();

  constructor(private readonly capacity = 50_000) {}

  /** True if `proof` is a valid signature of `tx` by `publicKey`. */
  check(tx: Transaction, txId: string, proof: TransactionProof, type: KeyTypeName, publicKey: Uint8Array): boolean {
    const cacheKey = `${txId}|${proof.sig}|${type}|${Buffer.from(publicKey).toString('base64')}`;
    if (this.verified.has(cacheKey)) return true;
    let signature: Uint8Array;
    try {
      signature = base64url.decode(proof.sig);
    } catch {
      return false;
    }
    let input = this.inputs.get(tx);
    if (!input) {
      input = signingInput(tx.body);
      this.inputs.set(tx, input);
    }
    if (!verify(type, publicKey, input, signature)) return false;
    if (this.verified.size >= this.capacity) {
      // Drop the oldest entry (Map keeps insertion order).
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(cacheKey, true);
    return true;
  }
}
