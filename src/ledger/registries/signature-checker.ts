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

  /** True if this exact signature was verified before. */
  isKnown(
    txId: string,
    proof: TransactionProof,
    type: KeyTypeName,
    publicKey: Uint8Array,
  ): boolean {
    return this.verified.has(cacheKey(txId, proof, type, publicKey));
  }

  /** True if `proof` is a valid signature of `tx` by `publicKey`. */
  check(
    tx: Transaction,
    txId: string,
    proof: TransactionProof,
    type: KeyTypeName,
    publicKey: Uint8Array,
  ): boolean {
    if (this.verified.has(cacheKey(txId, proof, type, publicKey))) return true;
    const signature = decodeSignature(proof);
    if (!signature || !verify(type, publicKey, this.inputFor(tx), signature)) return false;
    this.remember(txId, proof, type, publicKey);
    return true;
  }

  /** The bytes a proof of `tx` signs (computed once per transaction object). */
  inputFor(tx: Transaction): Uint8Array {
    let input = this.inputs.get(tx);
    if (!input) {
      input = signingInput(tx.body);
      this.inputs.set(tx, input);
    }
    return input;
  }

  /** Records a signature verified elsewhere (the verification pool) as valid. */
  remember(txId: string, proof: TransactionProof, type: KeyTypeName, publicKey: Uint8Array): void {
    if (this.verified.size >= this.capacity) {
      // Drop the oldest entry (Map keeps insertion order).
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(cacheKey(txId, proof, type, publicKey), true);
  }
}

/**
 * Stands in for the checker during a speculative check: records every signature the
 * handlers would verify and answers "valid", so they can be verified in parallel first.
 */
export class SignatureCollector extends SignatureChecker {
  readonly requests: Array<{ proof: TransactionProof; type: KeyTypeName; publicKey: Uint8Array }> =
    [];

  constructor(private readonly real: SignatureChecker) {
    super(0);
  }

  override check(
    tx: Transaction,
    txId: string,
    proof: TransactionProof,
    type: KeyTypeName,
    publicKey: Uint8Array,
  ): boolean {
    if (!this.real.isKnown(txId, proof, type, publicKey))
      this.requests.push({ proof, type, publicKey });
    return true;
  }
}

function cacheKey(
  txId: string,
  proof: TransactionProof,
  type: KeyTypeName,
  publicKey: Uint8Array,
): string {
  return `${txId}|${proof.sig}|${type}|${Buffer.from(publicKey).toString('base64')}`;
}

/** The 64 signature bytes of a proof, or undefined if `sig` is not base64url. */
export function decodeSignature(proof: TransactionProof): Uint8Array | undefined {
  try {
    return base64url.decode(proof.sig);
  } catch {
    return undefined;
  }
}
