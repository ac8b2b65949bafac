import { describe, expect, it } from 'vitest';
import { base58btc } from 'multiformats/bases/base58';
import { isDdiDid, parseDdiDid } from '../../../src/core/did/index.ts';
import { DdiError } from '../../../src/core/errors.ts';

/** The did:ddi DID of a given 32-byte digest, as didFromCreateOperation writes it. */
const didOf = (digest: Uint8Array) => `did:ddi:${base58btc.encode(digest).slice(1)}`;

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return err instanceof DdiError ? err.code : 'not a DdiError';
  }
  return undefined;
}

describe('did:ddi suffix length', () => {
  it('accepts the short suffix of a digest with leading zero bytes (seen once in 14,000 device creates)', () => {
    // This suffix came out of a real create: a leading zero byte, then a small remainder.
    const seen = 'did:ddi:1uW88SVYLSkuWAaMnyHAQEd13NJVtbhQJdyZB5x1fY';
    expect(seen.length - 8).toBe(42);
    expect(parseDdiDid(seen)).toBe(seen);
    const digest = new Uint8Array(32);
    digest[3] = 7; // three zero bytes: "111" and a short tail
    const short = didOf(digest);
    expect(short.length - 8).toBeLessThan(43);
    expect(isDdiDid(short)).toBe(true);
    expect(parseDdiDid(short)).toBe(short);
  });

  it('refuses short suffixes that are not 32 bytes', () => {
    const tooShort = didOf(new Uint8Array(30).fill(200)); // 30 bytes: 41 characters
    expect(codeOf(() => parseDdiDid(tooShort))).toBe('invalidDid');
    expect(isDdiDid('did:ddi:' + '2'.repeat(40))).toBe(false);
    expect(codeOf(() => parseDdiDid('did:ddi:' + '2'.repeat(31)))).toBe('invalidDid');
  });
});
