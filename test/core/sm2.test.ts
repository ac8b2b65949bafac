import { createPrivateKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import smCrypto from 'sm-crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DdiError } from '../../src/core/errors.ts';
import { sm3 } from '../../src/core/hash/index.ts';
import {
  publicKeyFromMultibase,
  publicKeyToMultibase,
  sm2Backend,
  sm2UserDigest,
} from '../../src/core/keys/index.ts';
import { loadSm2Addon } from '../../src/core/keys/lib/sm2-native.ts';
import {
  SM2_DEFAULT_USER_ID,
  sm2Backends,
  sm2NativeUnavailableReason,
  sm2SignWithUserId,
  sm2VerifyWithUserId,
  sm2WithBackend,
} from '../../src/core/keys/sm2.ts';
import { flipped, fromHex, readVectorJson, repoRoot, toHex, utf8 } from './vectors.ts';

interface Sm2Vectors {
  sm2_sign: Array<{
    user_id: string;
    private_key: string;
    public_key_uncompressed?: string;
    message_ascii: string;
    r: string;
    s: string;
    computed_here_Z_A?: string;
    computed_here_e: string;
  }>;
  derived_not_external: { did_key: string };
}

const vectors = readVectorJson<Sm2Vectors>('gm-sm2-sm3/sm2-sm3-vectors.json');
const annexA = vectors.sm2_sign[0];
if (!annexA?.public_key_uncompressed || !annexA.computed_here_Z_A) {
  throw new Error('GM/T Annex A vector missing');
}
const A = {
  privateKey: fromHex(annexA.private_key),
  publicKeyHex: annexA.public_key_uncompressed.toLowerCase(),
  publicKey: fromHex(annexA.public_key_uncompressed),
  // y of the Annex A key is odd, so SEC1 compression prefixes 03. (The vectors file's own
  // `compressed_public_key` says 02, a slip: its `did_key` does encode the 03 form.)
  compressed: fromHex(`03${annexA.public_key_uncompressed.slice(2, 66)}`),
  message: utf8(annexA.message_ascii),
  userId: annexA.user_id,
  signature: fromHex(annexA.r + annexA.s),
  za: annexA.computed_here_Z_A.toLowerCase(),
  e: annexA.computed_here_e.toLowerCase(),
};
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const be32 = (x: bigint) => fromHex(x.toString(16).padStart(64, '0'));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof DdiError ? error.code : `not a DdiError: ${String(error)}`;
  }
  return undefined;
}

const addonPath = path.join(repoRoot, 'native/sm2/build/Release/ddi_sm2.node');

describe('SM2 backend selection', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('uses the native addon whenever it has been built', () => {
    // If the build produced the addon, it must load (ABI, missing OpenSSL symbols...).
    if (existsSync(addonPath) && process.env.DDI_SM2_BACKEND !== 'javascript') {
      expect(sm2NativeUnavailableReason()).toBeUndefined();
      expect(sm2Backend()).toBe('native');
      expect(sm2Backends()).toEqual(['javascript', 'native']);
    } else {
      expect(sm2Backend()).toBe('javascript');
      expect(sm2NativeUnavailableReason()).toEqual(expect.any(String));
    }
  });

  it('DDI_SM2_BACKEND=javascript disables the addon', () => {
    vi.stubEnv('DDI_SM2_BACKEND', 'javascript');
    const loaded = loadSm2Addon();
    expect(loaded.addon).toBeUndefined();
  });

  it('the native addon refuses a key handle of the wrong kind', () => {
    const loaded = loadSm2Addon();
    if (!loaded.addon) return; // no addon built: nothing native to check
    const priv = loaded.addon.createPrivateKey(A.privateKey);
    const pub = loaded.addon.createPublicKey(A.publicKey);
    const empty = new Uint8Array(0);
    expect(() => loaded.addon.verify(priv as never, empty, new Uint8Array(64), empty)).toThrow(
      /public key handle/,
    );
    expect(() => loaded.addon.sign(pub as never, empty, empty)).toThrow(/private key handle/);
  });

  it('Z_A of the Annex A key matches the vector (backend independent)', () => {
    expect(toHex(sm2UserDigest(A.publicKey, A.userId))).toBe(A.za);
    expect(toHex(sm2UserDigest(A.compressed, utf8(A.userId)))).toBe(A.za);
    const e = sm3(Uint8Array.from([...sm2UserDigest(A.publicKey, A.userId), ...A.message]));
    expect(toHex(e)).toBe(A.e);
  });

  it('the Annex A key has the did:key derived in the vectors file (multicodec sm2-pub)', () => {
    const fingerprint = vectors.derived_not_external.did_key.slice('did:key:'.length);
    expect(publicKeyToMultibase('sm2', A.publicKey)).toBe(fingerprint);
    expect(publicKeyFromMultibase(fingerprint)).toEqual({ type: 'sm2', publicKey: A.compressed });
  });
});

describe.each(sm2Backends())('SM2 with the %s backend', (backend) => {
  const sm2 = sm2WithBackend(backend);

  it('derives the Annex A public key from its private key', () => {
    expect(sm2.publicFromPrivate(A.privateKey)).toEqual(A.compressed);
    expect(sm2.normalizePublicKey(A.publicKey)).toEqual(A.compressed);
  });

  it('verifies the GM/T 0003.5 Annex A signature (default user id)', () => {
    expect(sm2.verify(A.publicKey, A.message, A.signature)).toBe(true);
    expect(sm2.verify(A.compressed, A.message, A.signature)).toBe(true);
    expect(sm2VerifyWithUserId(A.compressed, A.message, A.signature, A.userId, backend)).toBe(true);
  });

  it('rejects the Annex A signature under a tampered message or another user id', () => {
    expect(sm2.verify(A.publicKey, utf8('message digesT'), A.signature)).toBe(false);
    expect(
      sm2VerifyWithUserId(A.publicKey, A.message, A.signature, 'ALICE123@YAHOO.COM', backend),
    ).toBe(false);
    expect(sm2VerifyWithUserId(A.publicKey, A.message, A.signature, '', backend)).toBe(false);
  });

  it('rejects tampered and out-of-range signatures without throwing', () => {
    expect(sm2.verify(A.publicKey, A.message, flipped(A.signature, 40))).toBe(false);
    const r = A.signature.subarray(0, 32);
    const s = A.signature.subarray(32);
    const cat = (a: Uint8Array, b: Uint8Array) => Uint8Array.from([...a, ...b]);
    expect(sm2.verify(A.publicKey, A.message, cat(new Uint8Array(32), s))).toBe(false);
    expect(sm2.verify(A.publicKey, A.message, cat(r, new Uint8Array(32)))).toBe(false);
    expect(sm2.verify(A.publicKey, A.message, cat(be32(N), s))).toBe(false);
    expect(sm2.verify(A.publicKey, A.message, cat(r, be32(N)))).toBe(false);
    expect(sm2.verify(A.publicKey, A.message, A.signature.subarray(0, 63))).toBe(false);
    expect(sm2.verify(flipped(A.publicKey, 64), A.message, A.signature)).toBe(false);
    expect(sm2.verify(new Uint8Array(33).fill(2), A.message, A.signature)).toBe(false);
  });

  it('its signatures verify with sm-crypto (default and custom user id)', () => {
    const sig = sm2.sign(A.privateKey, A.message);
    expect(sig).toHaveLength(64);
    expect(
      smCrypto.sm2.doVerifySignature(Array.from(A.message), toHex(sig), A.publicKeyHex, {
        hash: true,
        userId: SM2_DEFAULT_USER_ID,
      }),
    ).toBe(true);
    const custom = sm2SignWithUserId(A.privateKey, A.message, 'alice@example.cn', backend);
    expect(
      smCrypto.sm2.doVerifySignature(Array.from(A.message), toHex(custom), A.publicKeyHex, {
        hash: true,
        userId: 'alice@example.cn',
      }),
    ).toBe(true);
    // ...and sm-crypto agrees that the user id matters.
    expect(
      smCrypto.sm2.doVerifySignature(Array.from(A.message), toHex(custom), A.publicKeyHex, {
        hash: true,
        userId: SM2_DEFAULT_USER_ID,
      }),
    ).toBe(false);
  });

  it('verifies signatures made by sm-crypto', () => {
    const message = utf8('ddi 分布式数字身份');
    const sigHex = smCrypto.sm2.doSignature(Array.from(message), annexA.private_key, {
      hash: true,
      userId: SM2_DEFAULT_USER_ID,
    });
    expect(sm2.verify(A.publicKey, message, fromHex(sigHex))).toBe(true);
    const customHex = smCrypto.sm2.doSignature(Array.from(message), annexA.private_key, {
      hash: true,
      userId: 'bob',
    });
    expect(sm2VerifyWithUserId(A.compressed, message, fromHex(customHex), 'bob', backend)).toBe(
      true,
    );
    expect(sm2.verify(A.compressed, message, fromHex(customHex))).toBe(false);
  });

  it('signs arbitrary binary messages, including empty ones, that the other backends verify', () => {
    const pair = sm2.generate();
    for (const message of [new Uint8Array(0), Uint8Array.of(0, 255, 128), new Uint8Array(1000)]) {
      const sig = sm2.sign(pair.privateKey, message);
      for (const other of sm2Backends()) {
        expect(sm2WithBackend(other).verify(pair.publicKey, message, sig)).toBe(true);
      }
    }
  });

  it("rejects Node's crypto.sign('sm3') on an SM2-curve key, which is plain ECDSA", () => {
    // SEC1 ECPrivateKey for the Annex A scalar on curve sm2 (OID 1.2.156.10197.1.301).
    const der = Buffer.concat([
      Buffer.from('30310201010420', 'hex'),
      Buffer.from(A.privateKey),
      Buffer.from('a00a06082a811ccf5501822d', 'hex'),
    ]);
    const key = createPrivateKey({ key: der, format: 'der', type: 'sec1' });
    const ecdsa = nodeSign('sm3', A.message, { key, dsaEncoding: 'ieee-p1363' });
    expect(nodeVerify('sm3', A.message, { key, dsaEncoding: 'ieee-p1363' }, ecdsa)).toBe(true);
    expect(sm2.verify(A.publicKey, A.message, new Uint8Array(ecdsa))).toBe(false);
  });

  it('rejects bad private keys with malformed', () => {
    expect(codeOf(() => sm2.sign(new Uint8Array(32), A.message))).toBe('malformed');
    expect(codeOf(() => sm2.sign(be32(N - 1n), A.message))).toBe('malformed');
    expect(codeOf(() => sm2.sign(be32(N), A.message))).toBe('malformed');
    expect(codeOf(() => sm2.sign(new Uint8Array(31).fill(1), A.message))).toBe('malformed');
    expect(
      sm2.verify(sm2.publicFromPrivate(be32(N - 2n)), A.message, sm2.sign(be32(N - 2n), A.message)),
    ).toBe(true);
  });

  it('accepts user ids up to 8190 bytes and rejects longer ones with malformed', () => {
    const longest = new Uint8Array(8190).fill(0x41);
    const sig = sm2SignWithUserId(A.privateKey, A.message, longest, backend);
    for (const other of sm2Backends()) {
      expect(sm2VerifyWithUserId(A.publicKey, A.message, sig, longest, other)).toBe(true);
    }
    expect(
      codeOf(() => sm2SignWithUserId(A.privateKey, A.message, new Uint8Array(8191), backend)),
    ).toBe('malformed');
    expect(sm2VerifyWithUserId(A.publicKey, A.message, sig, new Uint8Array(8191), backend)).toBe(
      false,
    );
  });

  it('signs with an empty user id (ENTL_A = 0) compatibly across backends', () => {
    const sig = sm2SignWithUserId(A.privateKey, A.message, '', backend);
    for (const other of sm2Backends()) {
      expect(sm2VerifyWithUserId(A.compressed, A.message, sig, '', other)).toBe(true);
      expect(sm2VerifyWithUserId(A.compressed, A.message, sig, SM2_DEFAULT_USER_ID, other)).toBe(
        false,
      );
    }
  });

  it('uses the new key when a signer overwrites its private key array in place', () => {
    const a = sm2.generate();
    const b = sm2.generate();
    const buf = Uint8Array.from(a.privateKey);
    expect(sm2.verify(a.publicKey, A.message, sm2.sign(buf, A.message))).toBe(true);
    buf.set(b.privateKey);
    const sig = sm2.sign(buf, A.message);
    expect(sm2.verify(b.publicKey, A.message, sig)).toBe(true);
    expect(sm2.verify(a.publicKey, A.message, sig)).toBe(false);
  });

  it('verifies repeatedly with the same key (cached and precomputed paths agree)', () => {
    const pair = sm2.generate();
    const sig = sm2.sign(pair.privateKey, A.message);
    const results = Array.from({ length: 4 }, () => [
      sm2.verify(Uint8Array.from(pair.publicKey), A.message, sig),
      sm2.verify(pair.publicKey, utf8('other'), sig),
    ]);
    expect(results).toEqual(Array.from({ length: 4 }, () => [true, false]));
  });
});
