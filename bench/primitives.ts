// Throughput of the core primitives on this machine: signature verification per key type
// (SM2 per backend), signing, and hashing of 64-byte inputs. Wired into `npm run bench`.
import { sha256, sm3 } from '../src/core/hash/index.ts';
import { generateKeyPair, sign, verify } from '../src/core/keys/index.ts';
import type { KeyTypeName } from '../src/core/keys/index.ts';
import { sm2Backends, sm2WithBackend } from '../src/core/keys/sm2.ts';

export interface PrimitiveRate {
  name: string;
  opsPerSec: number;
}

export interface BenchPrimitivesOptions {
  /** Time spent on each primitive (default 1000 ms). */
  durationMs?: number;
}

/** Runs `op` repeatedly for about `durationMs` and returns operations per second. */
function measure(op: () => unknown, durationMs: number): number {
  for (let i = 0; i < 3; i++) op(); // warm caches and JIT outside the timed window
  let count = 0;
  let batch = 1;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < batch; i++) op();
    count += batch;
    elapsed = performance.now() - start;
    // Grow the batch so timer reads stay a negligible share of fast operations.
    if (batch < 1024) batch *= 2;
  }
  return Math.round((count * 1000) / elapsed);
}

/** Measures primitive throughput; about `durationMs` per entry (13 entries with native SM2). */
export async function benchPrimitives(
  options: BenchPrimitivesOptions = {},
): Promise<PrimitiveRate[]> {
  const durationMs = options.durationMs ?? 1000;
  const message = new Uint8Array(64).fill(0x61);
  const results: PrimitiveRate[] = [];
  const record = (name: string, op: () => unknown) => {
    results.push({ name, opsPerSec: measure(op, durationMs) });
  };

  const fast: KeyTypeName[] = ['ed25519', 'p256', 'secp256k1'];
  for (const type of fast) {
    const pair = generateKeyPair(type);
    const signature = sign(type, pair.privateKey, message);
    if (!verify(type, pair.publicKey, message, signature)) throw new Error(`${type} broken`);
    record(`verify ${type}`, () => verify(type, pair.publicKey, message, signature));
    record(`sign ${type}`, () => sign(type, pair.privateKey, message));
  }

  for (const backend of sm2Backends().reverse()) {
    const sm2 = sm2WithBackend(backend);
    const pair = sm2.generate();
    const signature = sm2.sign(pair.privateKey, message);
    if (!sm2.verify(pair.publicKey, message, signature)) throw new Error(`sm2 ${backend} broken`);
    record(`verify sm2 (${backend})`, () => sm2.verify(pair.publicKey, message, signature));
    record(`sign sm2 (${backend})`, () => sm2.sign(pair.privateKey, message));
    if (backend === 'javascript') {
      // A verifier that meets each key once: cycling more keys than the JS backend's
      // precomputation cache holds (64) keeps every verification on the cold path.
      const pairs = Array.from({ length: 80 }, () => {
        const p = sm2.generate();
        return { publicKey: p.publicKey, signature: sm2.sign(p.privateKey, message) };
      });
      let i = 0;
      record('verify sm2 (javascript, first sight of key)', () => {
        const p = pairs[i++ % pairs.length] as (typeof pairs)[number];
        return sm2.verify(p.publicKey, message, p.signature);
      });
    }
  }

  record('sha256 64B', () => sha256(message));
  record('sm3 64B', () => sm3(message));
  return results;
}
