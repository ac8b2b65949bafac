import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalJson } from '../../src/core/encoding/canonical-json.ts';
import { DdiError } from '../../src/core/errors.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof DdiError ? error.code : `not a DdiError: ${String(error)}`;
  }
  return undefined;
}

function fromIeee(hex: string): number {
  return new DataView(Uint8Array.from(Buffer.from(hex, 'hex')).buffer).getFloat64(0, false);
}

describe('RFC 8785 JSON Canonicalization Scheme', () => {
  it('section 3.2.2: whitespace, literals, numbers and string escaping', () => {
    // Input exactly as printed in RFC 8785 section 3.2.2 (JSON text, parsed first).
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    expect(canonicalJson(JSON.parse(input))).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it('section 3.2.3: sorts property names by UTF-16 code units, not code points', () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`) as Record<string, string>;
    const text = canonicalJson(input);
    // U+1F600 (surrogates D83D DE00) sorts before U+FB33 in UTF-16 order, after it by code point.
    expect(text.indexOf('\ud83d\ude00')).toBeLessThan(text.indexOf('\ufb33'));
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('sorts nested objects and keeps array order', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: 2 }], a: { d: null, c: 'x' } })).toBe(
      '{"a":{"c":"x","d":null},"b":[3,{"a":2,"z":1}]}',
    );
  });

  // RFC 8785 Appendix B: IEEE 754 bit patterns and their JCS serialization.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('Appendix B: %s serializes as %s', (bits, text) => {
    expect(canonicalJson(fromIeee(bits))).toBe(text);
    expect(canonicalJson([fromIeee(bits)])).toBe(`[${text}]`);
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['undefined at the top', undefined],
    ['a BigInt', 10n],
    ['a nested BigInt', { a: [1, 2n] }],
    ['a nested NaN', { a: { b: NaN } }],
    ['a function', { f: () => 1 }],
    ['a symbol', [Symbol('x')]],
    ['undefined in an array', [1, undefined]],
    ['a lone surrogate', { s: '\ud800' }],
    ['a lone surrogate key', { ['\udc00']: 1 }],
    ['a Map', { m: new Map([[1, 2]]) }],
    ['a Uint8Array', { b: Uint8Array.of(1) }],
  ])('rejects %s with malformed', (_why, value) => {
    expect(codeOf(() => canonicalJson(value))).toBe('malformed');
  });

  it('rejects cycles with malformed instead of overflowing the stack', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    expect(codeOf(() => canonicalJson(a))).toBe('malformed');
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
  });

  it('drops undefined properties and applies toJSON, like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: new Date(0) })).toBe(
      '{"b":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it('canonicalBytes is the UTF-8 of the canonical text', () => {
    expect(Array.from(canonicalBytes({ '€': 'é' }))).toEqual([
      0x7b, 0x22, 0xe2, 0x82, 0xac, 0x22, 0x3a, 0x22, 0xc3, 0xa9, 0x22, 0x7d,
    ]);
  });
});
