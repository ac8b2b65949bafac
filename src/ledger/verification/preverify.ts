import { rememberDecodedPublicKey } from '../../core/keys/index.ts';
import type { Ledger } from '../ledger.ts';
import type { Transaction } from '../transaction.ts';
import { decodeSignature, SignatureCollector } from '../registries/signature-checker.ts';
import type { VerificationPool } from './verification-pool.ts';

// Payload fields that hold Multikey public keys, wherever they appear.
const KEY_FIELDS = new Set(['publicKeyMultibase', 'recoveryKey']);

function collectMultikeys(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectMultikeys(item, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (KEY_FIELDS.has(key) && typeof item === 'string') out.push(item);
      else collectMultikeys(item, out);
    }
  }
}

/**
 * Does a transaction's expensive crypto on the verification pool before the node's
 * single-threaded check: (1) decodes and point-checks every Multikey in the payload,
 * (2) runs the check speculatively to learn which signatures it needs, verifies those.
 * Results only warm caches; the real `checkTx` afterwards decides, so a wrong guess here
 * costs time, never correctness.
 */
export async function preverifyTransaction(
  ledger: Ledger,
  pool: VerificationPool,
  tx: Transaction,
  id: string,
): Promise<void> {
  const multikeys: string[] = [];
  collectMultikeys(tx.body.payload, multikeys);
  if (multikeys.length > 0) {
    const { multikeys: decoded } = await pool.run({ multikeys, signatures: [] });
    decoded.forEach((key, i) => {
      if (key) rememberDecodedPublicKey(multikeys[i]!, key);
    });
  }
  const collector = new SignatureCollector(ledger.machine.signatures);
  try {
    ledger.checkTx(tx, id, collector);
  } catch {
    return; // the real check will report it
  }
  const wanted = collector.requests.flatMap((r) => {
    const signature = decodeSignature(r.proof);
    return signature ? [{ ...r, signature }] : [];
  });
  if (wanted.length === 0) return;
  const input = ledger.machine.signatures.inputFor(tx);
  const { signatures } = await pool.run({
    multikeys: [],
    signatures: wanted.map((w) => ({
      type: w.type,
      publicKey: w.publicKey,
      input,
      signature: w.signature,
    })),
  });
  signatures.forEach((valid, i) => {
    const w = wanted[i]!;
    if (valid) ledger.machine.signatures.remember(id, w.proof, w.type, w.publicKey);
  });
}
