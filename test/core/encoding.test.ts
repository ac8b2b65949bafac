import { describe, expect, it } from 'vitest';
import { base64url, base64urlDecode, base64urlEncode } from '../../src/core/encoding/base64url.ts';
import { hexDecode, hexEncode } from '../../src/core/encoding/hex.ts';
import {
  base58btcDecode,
  base58btcEncode,
  multibaseDecode,
  multibaseEncode,
} from '../../src/core/encoding/multibase.ts';
import { varintDecode, varintEncode } from '../../src/core/encoding/varint.ts';
import { DdiError } from '../../src/core/errors.ts';
import { readVectorText, utf8 } from './vectors.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof DdiError ? error.code : `not a DdiError: ${String(error)}`;
  }
  return undefined;
}

describe('base64url', () => {
  // RFC 4648 section 10 test vectors, unpadded.
  const rfc4648: Array<[string, string]> = [
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ];
  it.each(rfc4648)('encodes and decodes %j', (text, encoded) => {
    expect(base64urlEncode(utf8(text))).toBe(encoded);
    expect(base64urlDecode(encoded)).toEqual(utf8(text));
  });

  it('uses the URL-safe alphabet', () => {
    expect(base64urlEncode(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe('-_-_');
    expect(base64urlDecode('-_-_')).toEqual(Uint8Array.of(0xfb, 0xff, 0xbf));
    expect(base64url.decode(base64url.encode(Uint8Array.of(1, 2, 3)))).toEqual(
      Uint8Array.of(1, 2, 3),
    );
  });

  it('returns a standalone Uint8Array, not a view into a Buffer pool', () => {
    const bytes = base64urlDecode('Zm9v');
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    expect(bytes.buffer.byteLength).toBe(3);
  });

  it.each([
    ['padding', 'Zg=='],
    ['standard base64 +', 'Zm9v+w'],
    ['standard base64 /', 'Zm9v/w'],
    ['whitespace', 'Zm9v Zg'],
    ['newline', 'Zm9v\nZg'],
    ['impossible length', 'Zm9vY'],
    ['non-zero trailing bits', 'Zh'],
    ['non-ASCII', 'Zm9vé'],
  ])('rejects %s with malformed', (_why, text) => {
    expect(codeOf(() => base64urlDecode(text))).toBe('malformed');
  });
});

describe('hex', () => {
  it('round-trips and accepts either case', () => {
    expect(hexDecode('00aBfF')).toEqual(Uint8Array.of(0, 0xab, 0xff));
    expect(hexEncode(Uint8Array.of(0, 0xab, 0xff))).toBe('00abff');
  });
  it.each(['abc', 'zz', '0x00', ' 00'])('rejects %j', (text) => {
    expect(codeOf(() => hexDecode(text))).toBe('malformed');
  });
});

describe('varint', () => {
  it.each([
    [0, [0x00]],
    [0x7f, [0x7f]],
    [0xed, [0xed, 0x01]],
    [0xe7, [0xe7, 0x01]],
    [0x1200, [0x80, 0x24]],
    [0x1206, [0x86, 0x24]],
    [0x1300, [0x80, 0x26]],
    [0x1310, [0x90, 0x26]],
    [300, [0xac, 0x02]],
  ])('encodes %i as %j and back', (value, bytes) => {
    expect(Array.from(varintEncode(value))).toEqual(bytes);
    expect(varintDecode(Uint8Array.from([...bytes, 0x55]))).toEqual({
      value,
      length: bytes.length,
    });
  });
  it.each([
    ['truncated', [0x80]],
    ['empty', []],
    ['non-minimal', [0xed, 0x81, 0x00]],
    ['non-minimal zero', [0x80, 0x00]],
  ])('rejects %s input', (_why, bytes) => {
    expect(codeOf(() => varintDecode(Uint8Array.from(bytes)))).toBe('malformed');
  });
  it('rejects negative values', () => {
    expect(codeOf(() => varintEncode(-1))).toBe('malformed');
  });
});

describe('multibase (multiformats/multibase test vectors)', () => {
  function parseCsv(file: string): { input: Uint8Array; rows: Map<string, string> } {
    const lines = readVectorText(`multiformats/multibase-tests/${file}`).trim().split('\n');
    const unquote = (s: string) => s.trim().replace(/^"|"$/g, '');
    const header = unquote((lines[0] ?? '').split(',').slice(1).join(','));
    const input = Uint8Array.from(
      Buffer.from(
        header.replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) =>
          String.fromCharCode(parseInt(h, 16)),
        ),
        'latin1',
      ),
    );
    const rows = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const comma = line.indexOf(',');
      rows.set(line.slice(0, comma).trim(), unquote(line.slice(comma + 1)));
    }
    return { input, rows };
  }

  const files = ['basic.csv', 'leading_zero.csv', 'two_leading_zeros.csv'];

  it.each(files)('%s: base58btc encodes and decodes exactly', (file) => {
    const { input, rows } = parseCsv(file);
    const expected = rows.get('base58btc');
    expect(expected).toMatch(/^z/);
    expect(multibaseEncode(input, 'base58btc')).toBe(expected);
    expect(multibaseDecode(expected as string)).toEqual(input);
    expect(base58btcDecode((expected as string).slice(1))).toEqual(input);
    expect(base58btcEncode(input)).toBe((expected as string).slice(1));
  });

  it.each(files)('%s: base64url encodes and decodes exactly', (file) => {
    const { input, rows } = parseCsv(file);
    const expected = rows.get('base64url');
    expect(expected).toMatch(/^u/);
    expect(multibaseEncode(input, 'base64url')).toBe(expected);
    expect(multibaseDecode(expected as string)).toEqual(input);
  });

  it('the basic vector is "yes mani !"', () => {
    expect(Buffer.from(parseCsv('basic.csv').input).toString()).toBe('yes mani !');
  });

  it('rejects other bases, padded base64url and bad base58 characters', () => {
    const { rows } = parseCsv('basic.csv');
    expect(codeOf(() => multibaseDecode(rows.get('base16') as string))).toBe('malformed');
    expect(codeOf(() => multibaseDecode(rows.get('base64urlpad') as string))).toBe('malformed');
    expect(codeOf(() => multibaseDecode('z0OIl'))).toBe('malformed');
    expect(codeOf(() => multibaseDecode(''))).toBe('malformed');
    expect(codeOf(() => base58btcDecode(''))).toBe('malformed');
  });
});
