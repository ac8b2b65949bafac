import { describe, expect, it } from 'vitest';
import { base64urlDecode, base64urlEncode } from '../../src/core/encoding/base64url.ts';
import { canonicalJson } from '../../src/core/encoding/canonical-json.ts';
import { sha256 } from '../../src/core/hash/index.ts';
import {
  getKeyTypeByJwsAlgorithm,
  privateKeyFromJwk,
  privateKeyToJwk,
  publicKeyFromJwk,
  publicKeyFromPrivate,
  publicKeyToJwk,
  sign,
  verify,
} from '../../src/core/keys/index.ts';
import type { Jwk } from '../../src/core/keys/index.ts';
import { flipped, readVectorJson, utf8 } from './vectors.ts';

interface JoseVectors {
  rfc8037: {
    private_jwk: Jwk;
    public_jwk: Jwk;
    jwk_thumbprint_sha256: string;
    protected_header: Record<string, string>;
    payload_utf8: string;
    compact_jws: string;
  };
  rfc7515_A3_es256: { public_jwk: Jwk; private_d: string; compact_jws: string };
}

const vectors = readVectorJson<JoseVectors>('jose-rfc/rfc8037-rfc7515-vectors.json');

function splitJws(compact: string): { signingInput: Uint8Array; signature: Uint8Array } {
  const [header, payload, signature] = compact.split('.');
  return {
    signingInput: utf8(`${header}.${payload}`),
    signature: base64urlDecode(signature ?? ''),
  };
}

describe('RFC 8037 Appendix A: Ed25519', () => {
  const v = vectors.rfc8037;

  it('A.1/A.2: the private JWK yields the public key in the public JWK', () => {
    const { type, privateKey } = privateKeyFromJwk(v.private_jwk);
    expect(type).toBe('ed25519');
    const { publicKey } = publicKeyFromJwk(v.public_jwk);
    expect(publicKeyFromPrivate('ed25519', privateKey)).toEqual(publicKey);
    expect(publicKeyToJwk('ed25519', publicKey)).toEqual(v.public_jwk);
    expect(privateKeyToJwk('ed25519', privateKey)).toEqual(v.private_jwk);
  });

  it('A.3: the JWK thumbprint (RFC 7638) matches', () => {
    const { crv, kty, x } = v.public_jwk;
    expect(base64urlEncode(sha256(utf8(canonicalJson({ crv, kty, x }))))).toBe(
      v.jwk_thumbprint_sha256,
    );
  });

  it('A.4: signing reproduces the compact JWS byte for byte', () => {
    const { privateKey } = privateKeyFromJwk(v.private_jwk);
    const header = base64urlEncode(utf8(JSON.stringify(v.protected_header)));
    const payload = base64urlEncode(utf8(v.payload_utf8));
    const signature = sign('ed25519', privateKey, utf8(`${header}.${payload}`));
    expect(`${header}.${payload}.${base64urlEncode(signature)}`).toBe(v.compact_jws);
    expect(getKeyTypeByJwsAlgorithm(v.protected_header.alg ?? '').name).toBe('ed25519');
  });

  it('A.5: the signature verifies, and fails on a changed payload or signature', () => {
    const { publicKey } = publicKeyFromJwk(v.public_jwk);
    const { signingInput, signature } = splitJws(v.compact_jws);
    expect(verify('ed25519', publicKey, signingInput, signature)).toBe(true);
    expect(verify('ed25519', publicKey, flipped(signingInput, -1), signature)).toBe(false);
    expect(verify('ed25519', publicKey, signingInput, flipped(signature, 0))).toBe(false);
  });
});

describe('RFC 7515 Appendix A.3: ES256', () => {
  const v = vectors.rfc7515_A3_es256;

  it('verifies the published JWS with the published key', () => {
    const { type, publicKey } = publicKeyFromJwk(v.public_jwk);
    expect(type).toBe('p256');
    expect(getKeyTypeByJwsAlgorithm('ES256').name).toBe('p256');
    const { signingInput, signature } = splitJws(v.compact_jws);
    expect(signature).toHaveLength(64);
    expect(verify('p256', publicKey, signingInput, signature)).toBe(true);
  });

  it('rejects a tampered payload and a tampered s', () => {
    const { publicKey } = publicKeyFromJwk(v.public_jwk);
    const { signingInput, signature } = splitJws(v.compact_jws);
    expect(verify('p256', publicKey, flipped(signingInput, 40), signature)).toBe(false);
    expect(verify('p256', publicKey, signingInput, flipped(signature, 63))).toBe(false);
  });

  it('the private d matches the public key; a fresh ES256 signature verifies', () => {
    const { privateKey } = privateKeyFromJwk({ ...v.public_jwk, d: v.private_d });
    const { publicKey } = publicKeyFromJwk(v.public_jwk);
    expect(publicKeyFromPrivate('p256', privateKey)).toEqual(publicKey);
    const { signingInput } = splitJws(v.compact_jws);
    expect(verify('p256', publicKey, signingInput, sign('p256', privateKey, signingInput))).toBe(
      true,
    );
  });
});
