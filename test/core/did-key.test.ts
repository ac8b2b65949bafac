import { describe, expect, it } from 'vitest';
import { base58btcDecode } from '../../src/core/encoding/multibase.ts';
import { DdiError } from '../../src/core/errors.ts';
import {
  privateKeyFromJwk,
  privateKeyFromMultibase,
  privateKeyToJwk,
  privateKeyToMultibase,
  publicKeyFromJwk,
  publicKeyFromMultibase,
  publicKeyFromPrivate,
  publicKeyToJwk,
  publicKeyToMultibase,
} from '../../src/core/keys/index.ts';
import type { Jwk, KeyTypeName } from '../../src/core/keys/index.ts';
import { fromHex, readVectorJson } from './vectors.ts';

interface VerificationMethod {
  type: string;
  publicKeyBase58?: string;
  privateKeyBase58?: string;
  publicKeyJwk?: Jwk;
  privateKeyJwk?: Jwk;
}
interface DidKeyVector {
  seed?: string;
  verificationKeyPair?: VerificationMethod;
  verificationMethod?: VerificationMethod;
}

function load(file: string): Array<[string, string, VerificationMethod, string | undefined]> {
  const data = readVectorJson<Record<string, DidKeyVector>>(`did-key-spec/test-vectors/${file}`);
  return Object.entries(data).map(([did, v]) => {
    const vm = v.verificationKeyPair ?? v.verificationMethod;
    if (!vm) throw new Error(`no verification method in ${did}`);
    return [did, did.slice('did:key:'.length), vm, v.seed];
  });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof DdiError ? error.code : `not a DdiError: ${String(error)}`;
  }
  return undefined;
}

/** Checks one did:key vector: multibase <-> raw/JWK public key, and private key if given. */
function checkVector(
  type: KeyTypeName,
  fingerprint: string,
  vm: VerificationMethod,
  seed: string | undefined,
): void {
  const decoded = publicKeyFromMultibase(fingerprint);
  expect(decoded.type).toBe(type);
  expect(publicKeyToMultibase(type, decoded.publicKey)).toBe(fingerprint);

  if (vm.publicKeyBase58) {
    expect(decoded.publicKey).toEqual(base58btcDecode(vm.publicKeyBase58));
  }
  if (vm.publicKeyJwk) {
    expect(publicKeyToJwk(type, decoded.publicKey)).toEqual(vm.publicKeyJwk);
    const fromJwk = publicKeyFromJwk(vm.publicKeyJwk);
    expect(fromJwk.type).toBe(type);
    expect(publicKeyToMultibase(fromJwk.type, fromJwk.publicKey)).toBe(fingerprint);
  }

  let privateKey: Uint8Array | undefined;
  if (vm.privateKeyBase58) privateKey = base58btcDecode(vm.privateKeyBase58);
  else if (vm.privateKeyJwk) privateKey = privateKeyFromJwk(vm.privateKeyJwk).privateKey;
  else if (seed && type === 'ed25519') privateKey = fromHex(seed);
  if (privateKey) {
    expect(publicKeyFromPrivate(type, privateKey)).toEqual(decoded.publicKey);
    const secret = privateKeyToMultibase(type, privateKey);
    expect(privateKeyFromMultibase(secret)).toEqual({ type, privateKey });
  }
  if (vm.privateKeyJwk && privateKey) {
    expect(privateKeyToJwk(type, privateKey)).toEqual(vm.privateKeyJwk);
  }
}

describe('did:key spec test vectors', () => {
  const ed = load('ed25519-x25519.json');
  const k1 = load('secp256k1.json');
  const nist = load('nist-curves.json');

  it('loaded the expected number of vectors', () => {
    expect(ed).toHaveLength(5);
    expect(k1).toHaveLength(6);
    expect(nist).toHaveLength(7);
  });

  it.each(ed)('ed25519 %s', (_did, fingerprint, vm, seed) => {
    expect(fingerprint.startsWith('z6Mk')).toBe(true);
    checkVector('ed25519', fingerprint, vm, seed);
  });

  it.each(k1)('secp256k1 %s', (_did, fingerprint, vm, seed) => {
    expect(fingerprint.startsWith('zQ3s')).toBe(true);
    checkVector('secp256k1', fingerprint, vm, seed);
  });

  const p256 = nist.filter(([, fp]) => fp.startsWith('zDn'));
  const others = nist.filter(([, fp]) => !fp.startsWith('zDn'));

  it('has P-256 and P-384/P-521 vectors', () => {
    expect(p256).toHaveLength(3);
    expect(others).toHaveLength(4);
  });

  it.each(p256)('P-256 %s', (_did, fingerprint, vm, seed) => {
    checkVector('p256', fingerprint, vm, seed);
  });

  it.each(others)('P-384/P-521 %s is unsupportedKeyType (multibase and JWK)', (_did, fp, vm) => {
    expect(codeOf(() => publicKeyFromMultibase(fp))).toBe('unsupportedKeyType');
    expect(codeOf(() => publicKeyFromJwk(vm.publicKeyJwk as Jwk))).toBe('unsupportedKeyType');
  });

  it('Ed25519 vector with seed 0..0 has the known public key', () => {
    const [, fingerprint, , seed] = ed[0] ?? [];
    expect(seed).toBe('00'.repeat(32));
    expect(
      publicKeyToMultibase('ed25519', publicKeyFromPrivate('ed25519', fromHex(seed ?? ''))),
    ).toBe(fingerprint);
  });
});
