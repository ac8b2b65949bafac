import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in test/core/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** /work/shared/vectors, next to the repository. */
export const vectorsDir = path.resolve(repoRoot, '..', 'shared', 'vectors');

/** Parses a JSON vector file under the shared vectors folder. */
export function readVectorJson<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(path.join(vectorsDir, relative), 'utf8')) as T;
}

/** Reads a text vector file under the shared vectors folder. */
export function readVectorText(relative: string): string {
  return readFileSync(path.join(vectorsDir, relative), 'utf8');
}

/** Hex (either case) to bytes, for vector values; independent of the code under test. */
export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Bytes to lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A copy of `bytes` with `mask` XORed into byte `index` (negative counts from the end). */
export function flipped(bytes: Uint8Array, index: number, mask = 1): Uint8Array {
  const copy = Uint8Array.from(bytes);
  const i = index < 0 ? copy.length + index : index;
  copy[i] = (copy[i] as number) ^ mask;
  return copy;
}
