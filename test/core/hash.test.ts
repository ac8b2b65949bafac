import { describe, expect, it } from 'vitest';
import { sha256, sm3 } from '../../src/core/hash/index.ts';
import { fromHex, readVectorJson, toHex, utf8 } from './vectors.ts';

interface Sm3Vector {
  name: string;
  input_hex: string;
  digest: string;
}

const { sm3: sm3Vectors } = readVectorJson<{ sm3: Sm3Vector[] }>('gm-sm2-sm3/sm2-sm3-vectors.json');

describe('sm3 (GM/T 0004-2012 vectors via OpenSSL test data)', () => {
  it('has the three vectors', () => {
    expect(sm3Vectors).toHaveLength(3);
  });
  it.each(sm3Vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    expect(toHex(sm3(fromHex(v.input_hex)))).toBe(v.digest.toLowerCase());
  });
  it('differs from SHA-256 and returns 32 bytes', () => {
    expect(sm3(utf8('abc'))).toHaveLength(32);
    expect(toHex(sm3(utf8('abc')))).not.toBe(toHex(sha256(utf8('abc'))));
  });
});

describe('sha256 (FIPS 180-2 examples)', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('sha256(%j)', (input, digest) => {
    expect(toHex(sha256(utf8(input)))).toBe(digest);
  });
  it('hashes a subarray view, not its whole buffer', () => {
    const whole = utf8('xxabcxx');
    expect(toHex(sha256(whole.subarray(2, 5)))).toBe(toHex(sha256(utf8('abc'))));
  });
});
