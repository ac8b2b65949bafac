import { describe, expect, it } from 'vitest';
import { DdiError } from '../../../src/core/errors.ts';
import {
  TokenStatus,
  decodeTokenStatusList,
  encodeTokenStatusList,
  encodeTokenStatusListBytes,
  packTokenStatuses,
  readPackedStatus,
  unpackTokenStatuses,
  writePackedStatus,
} from '../../../src/core/status/index.ts';
import type { StatusBits } from '../../../src/core/status/index.ts';
import { fromHex, readVectorJson, readVectorText, toHex } from '../vectors.ts';

interface Vector {
  source: string;
  bits: StatusBits;
  lst: string;
  decompressed_bytes: number;
  num_entries: number;
  nonzero_statuses: Record<string, number>;
}

const DIR = 'ietf-token-status-list';
const vectors = readVectorJson<Vector[]>(`${DIR}/status-list-vectors.json`);

function errorOf(fn: () => unknown): DdiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DdiError) return error;
    throw error;
  }
  throw new Error('expected a DdiError');
}

/** The statuses a vector describes, one per entry. */
function expectedStatuses(v: Vector): Uint8Array {
  const out = new Uint8Array(v.num_entries);
  for (const [index, status] of Object.entries(v.nonzero_statuses)) out[Number(index)] = status;
  return out;
}

/** The first index where two byte arrays differ, or -1 (fast, unlike toEqual on a megabyte). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** `byte_array = [0xb9, 0xa3]` from an example file. */
function exampleByteArray(file: string): Uint8Array {
  const match = /byte_array = \[([^\]]*)\]/.exec(readVectorText(`${DIR}/examples/${file}`))!;
  return Uint8Array.from(match[1]!.split(',').map((b) => Number.parseInt(b.trim(), 16)));
}

describe('IETF Token Status List vectors', () => {
  it.each(vectors.map((v) => [v.source.split('/').pop()!, v] as const))(
    'decodes %s to exactly the listed statuses',
    (_name, v) => {
      const reader = decodeTokenStatusList({ bits: v.bits, lst: v.lst });
      expect(reader.bits).toBe(v.bits);
      expect(reader.packed.length).toBe(v.decompressed_bytes);
      expect(reader.size).toBe(v.num_entries);
      const expected = expectedStatuses(v);
      // Every entry, not only the listed ones: a wrong bit order would move statuses around.
      expect(firstDifference(unpackTokenStatuses(reader.packed, v.bits), expected)).toBe(-1);
      for (const [index, status] of Object.entries(v.nonzero_statuses))
        expect(reader.statusAt(Number(index))).toBe(status);
      expect(errorOf(() => reader.statusAt(v.num_entries)).details).toMatchObject({
        reason: 'RANGE_ERROR',
      });
    },
  );

  it.each(vectors.map((v) => [v.source.split('/').pop()!, v] as const))(
    'encodes the statuses of %s to the same byte array',
    (_name, v) => {
      const encoded = encodeTokenStatusList(expectedStatuses(v), v.bits);
      expect(encoded.bits).toBe(v.bits);
      const ours = decodeTokenStatusList(encoded).packed;
      expect(
        firstDifference(ours, decodeTokenStatusList({ bits: v.bits, lst: v.lst }).packed),
      ).toBe(-1);
    },
  );

  it('reproduces the spec examples byte for byte (bits 1 and 2)', () => {
    const one = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    expect(toHex(packTokenStatuses(one, 1))).toBe(
      toHex(exampleByteArray('status_list_encoding_json.md')),
    );
    expect(encodeTokenStatusList(one, 1)).toEqual({ bits: 1, lst: 'eNrbuRgAAhcBXQ' });
    const two = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];
    expect(toHex(packTokenStatuses(two, 2))).toBe(
      toHex(exampleByteArray('status_list_encoding2_json.md')),
    );
    expect(encodeTokenStatusList(two, 2)).toEqual({ bits: 2, lst: 'eNo76fITAAPfAgc' });
  });

  it('matches the compressed bytes inside the CBOR example', () => {
    const text = readVectorText(`${DIR}/examples/status_list_encoding_cbor.md`);
    const cbor = /encoded:\s*([0-9a-f]+)/.exec(text)![1]!;
    // {"bits": 1, "lst": h'…'}: "lst" is 63 6c 73 74, then a byte string header 0x40 + length.
    const at = cbor.indexOf('636c7374') + 8;
    const length = Number.parseInt(cbor.slice(at, at + 2), 16) - 0x40;
    const lst = cbor.slice(at + 2, at + 2 + 2 * length);
    const packed = exampleByteArray('status_list_encoding_cbor.md');
    const { lst: ours } = encodeTokenStatusListBytes(packed, 1);
    expect(toHex(Buffer.from(ours, 'base64url'))).toBe(lst);
    expect(
      decodeTokenStatusList({ bits: 1, lst: Buffer.from(fromHex(lst)).toString('base64url') })
        .packed,
    ).toEqual(packed);
  });

  it('reads the status_list claim of the example Status List Token (JWT)', () => {
    const jwt = readVectorText(`${DIR}/status_list_jwt.compact.txt`).trim();
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as {
      status_list: { bits: number; lst: string };
    };
    const reader = decodeTokenStatusList(payload.status_list);
    expect(reader.size).toBe(16);
    expect([0, 3, 4, 5, 7, 8, 9, 13, 15].map((i) => reader.statusAt(i))).toEqual(
      Array(9).fill(TokenStatus.Invalid),
    );
    expect([1, 2, 6, 10, 11, 12, 14].map((i) => reader.statusAt(i))).toEqual(
      Array(7).fill(TokenStatus.Valid),
    );
  });
});

describe('Token Status List packing and errors', () => {
  it('puts index 0 in the least significant bits of byte 0', () => {
    expect(toHex(packTokenStatuses([1], 1))).toBe('01');
    expect(toHex(packTokenStatuses([0, 0, 0, 0, 0, 0, 0, 1], 1))).toBe('80');
    expect(toHex(packTokenStatuses([TokenStatus.Suspended], 2))).toBe('02');
    expect(toHex(packTokenStatuses([0, 0, 0, 3], 2))).toBe('c0');
    expect(toHex(packTokenStatuses([0x0f, 0x01], 4))).toBe('1f');
    expect(toHex(packTokenStatuses([0xab, 0x01], 8))).toBe('ab01');
  });

  it('writes and reads single entries in place without touching their neighbours', () => {
    const packed = new Uint8Array([0xff, 0xff]);
    writePackedStatus(packed, 2, 5, 0);
    expect(toHex(packed)).toBe('fff3');
    expect(readPackedStatus(packed, 2, 5)).toBe(0);
    expect(readPackedStatus(packed, 2, 4)).toBe(3);
    expect(errorOf(() => writePackedStatus(packed, 2, 8, 1)).details).toMatchObject({
      reason: 'RANGE_ERROR',
    });
    expect(errorOf(() => writePackedStatus(packed, 1, 0, 2)).code).toBe('malformed');
    expect(errorOf(() => readPackedStatus(packed, 1, -1)).details).toMatchObject({
      reason: 'RANGE_ERROR',
    });
  });

  it('refuses bad bits, bad base64url, data that is not zlib, and decompression bombs', () => {
    expect(errorOf(() => decodeTokenStatusList({ bits: 3, lst: 'eNrbuRgAAhcBXQ' })).code).toBe(
      'malformed',
    );
    expect(errorOf(() => decodeTokenStatusList({ bits: 1, lst: 'eNrbuRgAAhcBXQ==' })).code).toBe(
      'malformed',
    );
    expect(errorOf(() => decodeTokenStatusList({ bits: 1, lst: 123 })).code).toBe('malformed');
    // Raw DEFLATE without the zlib header is not a Token Status List.
    expect(errorOf(() => decodeTokenStatusList({ bits: 1, lst: '27kYAAA' })).code).toBe(
      'malformed',
    );
    const bomb = encodeTokenStatusList(new Uint8Array(8 * 1024 * 1024), 1);
    expect(bomb.lst.length).toBeLessThan(2000);
    expect(errorOf(() => decodeTokenStatusList(bomb, { maxBytes: 1024 * 1024 - 1 })).code).toBe(
      'tooLarge',
    );
    expect(decodeTokenStatusList(bomb, { maxBytes: 1024 * 1024 }).size).toBe(8 * 1024 * 1024);
  });
});
