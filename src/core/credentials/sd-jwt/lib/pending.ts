import { digestText } from './digest.ts';
import { decodeDisclosure } from './disclosure.ts';
import type { PendingDisclosure } from './process.ts';

/** Decodes and digests each presented disclosure (the digest is over the exact presented text). */
export function pendingDisclosures(
  encoded: readonly string[],
  hashName: string,
): PendingDisclosure[] {
  return encoded.map((e) => ({
    encoded: e,
    digest: digestText(hashName, e),
    decoded: decodeDisclosure(e),
  }));
}
