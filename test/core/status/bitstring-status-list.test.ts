import { describe, expect, it } from 'vitest';
import { DdiError } from '../../../src/core/errors.ts';
import {
  BITSTRING_MIN_ENTRIES,
  bitstringForPurpose,
  decodeBitstring,
  encodeBitstring,
  packBitstring,
  packTokenStatuses,
} from '../../../src/core/status/index.ts';
import { readVectorJson, toHex } from '../vectors.ts';

interface Vector {
  name: string;
  encodedList: string;
  decompressed_bytes: number;
  num_bits: number;
  set_indices_msb_first: number[];
}

const DIR = 'w3c-bitstring-status-list';
const vectors = readVectorJson<Vector[]>(`${DIR}/bitstring-vectors.json`);
const byName = (name: string) => vectors.find((v) => v.name === name)!;

function errorOf(fn: () => unknown): DdiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DdiError) return error;
    throw error;
  }
  throw new Error('expected a DdiError');
}

/** Every set index of a reader, by scanning all entries. */
function setIndexes(reader: { size: number; statusAt(i: number): number }): number[] {
  const out: number[] = [];
  for (let i = 0; i < reader.size; i++) if (reader.statusAt(i) !== 0) out.push(i);
  return out;
}

describe('W3C Bitstring Status List vectors', () => {
  it('decodes the spec example credential: 131,072 valid entries, then RANGE_ERROR', () => {
    const credential = readVectorJson<{
      credentialSubject: { encodedList: string; statusPurpose: string };
    }>(`${DIR}/spec-example-BitstringStatusListCredential.json`);
    expect(credential.credentialSubject.encodedList).toBe(
      byName('w3c-spec-example-all-zero-16KB').encodedList,
    );
    const reader = decodeBitstring(credential.credentialSubject.encodedList);
    expect(reader.size).toBe(131_072);
    expect(reader.bitstring.length).toBe(16_384);
    expect(setIndexes(reader)).toEqual([]);
    expect(errorOf(() => reader.statusAt(131_072)).details).toMatchObject({
      reason: 'RANGE_ERROR',
    });
  });

  it('reproduces the spec example encodedList byte for byte', () => {
    expect(encodeBitstring([])).toBe(byName('w3c-spec-example-all-zero-16KB').encodedList);
  });

  it.each(vectors.map((v) => [v.name, v] as const))(
    '%s: the set indexes, MSB first',
    (_name, v) => {
      const reader = decodeBitstring(v.encodedList, { minimumEntries: 0 });
      expect(reader.bitstring.length).toBe(v.decompressed_bytes);
      expect(reader.size).toBe(v.num_bits);
      expect(setIndexes(reader)).toEqual(v.set_indices_msb_first);
    },
  );

  it('refuses the 100k lists under the spec minimum with STATUS_LIST_LENGTH_ERROR', () => {
    for (const name of ['digitalbazaar-100k-all-zero', 'digitalbazaar-100k-index-50000-set']) {
      const err = errorOf(() => decodeBitstring(byName(name).encodedList));
      expect(err.details).toMatchObject({ reason: 'STATUS_LIST_LENGTH_ERROR', size: 100_000 });
    }
  });

  it('does not fall into the legacy bit-order trap: that list sets 50007, not 50000', () => {
    const reader = decodeBitstring(byName('digitalbazaar-mock-100k-LEGACY-bit-order').encodedList, {
      minimumEntries: 100_000,
    });
    expect(reader.statusAt(50_007)).toBe(1);
    expect(reader.statusAt(50_000)).toBe(0);
  });

  it('encodes index 50000 of 100k exactly as the digitalbazaar list (round trip of the bits)', () => {
    const statuses = new Uint8Array(100_000);
    statuses[50_000] = 1;
    const ours = decodeBitstring(encodeBitstring(statuses, { minimumEntries: 0 }), {
      minimumEntries: 0,
    });
    const theirs = decodeBitstring(byName('digitalbazaar-100k-index-50000-set').encodedList, {
      minimumEntries: 0,
    });
    expect(Buffer.from(ours.bitstring).equals(Buffer.from(theirs.bitstring))).toBe(true);
  });
});

describe('Bitstring packing', () => {
  it('puts index 0 in the MOST significant bit — the opposite of the Token Status List', () => {
    const w3c = packBitstring([1], 1, 8);
    const ietf = packTokenStatuses([1, 0, 0, 0, 0, 0, 0, 0], 1);
    expect(toHex(w3c)).toBe('80');
    expect(toHex(ietf)).toBe('01');
  });

  it('pads to the minimum of 131,072 entries (16 KB) by default', () => {
    expect(packBitstring([1, 0, 1]).length).toBe(16_384);
    expect(BITSTRING_MIN_ENTRIES).toBe(131_072);
    expect(packBitstring(new Uint8Array(200_000)).length).toBe(25_000);
  });

  it('supports statusSize > 1, most significant bit of each entry first', () => {
    expect(toHex(packBitstring([2, 1, 3, 0], 2, 0))).toBe('9c');
    expect(toHex(packBitstring([5, 3], 3, 0))).toBe('ac');
    const statuses = [0, 3, 1, 2, 0, 0, 3];
    const reader = decodeBitstring(encodeBitstring(statuses, { statusSize: 2 }), { statusSize: 2 });
    expect(reader.size).toBe(131_072);
    expect(statuses.map((_, i) => reader.statusAt(i))).toEqual(statuses);
    expect(errorOf(() => packBitstring([4], 2)).code).toBe('malformed');
    expect(errorOf(() => packBitstring([1], 0)).code).toBe('malformed');
  });

  it('refuses an encodedList without the multibase u prefix, or not gzip', () => {
    const good = encodeBitstring([]);
    expect(errorOf(() => decodeBitstring(good.slice(1))).code).toBe('malformed');
    expect(errorOf(() => decodeBitstring(`z${good.slice(1)}`)).code).toBe('malformed');
    expect(errorOf(() => decodeBitstring('ueNrbuRgAAhcBXQ')).code).toBe('malformed');
    expect(errorOf(() => decodeBitstring(good, { maxBytes: 16_383 })).code).toBe('tooLarge');
  });

  it('derives the revocation and suspension bitstrings from Token Status List values', () => {
    const statuses = [0, 1, 2, 1, 3, 0, 2];
    expect([...bitstringForPurpose(statuses, 'revocation')]).toEqual([0, 1, 0, 1, 0, 0, 0]);
    expect([...bitstringForPurpose(statuses, 'suspension')]).toEqual([0, 0, 1, 0, 0, 0, 1]);
  });
});
