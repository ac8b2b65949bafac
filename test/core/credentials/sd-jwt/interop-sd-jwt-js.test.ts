import {
  createPrivateKey,
  createPublicKey,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { describe, expect, it } from 'vitest';
import {
  issueSdJwtVc,
  presentSdJwt,
  verifySdJwtVc,
} from '../../../../src/core/credentials/sd-jwt/index.ts';
import {
  generateKeyPair,
  privateKeyToJwk,
  publicKeyFromJwk,
  publicKeyToJwk,
} from '../../../../src/core/keys/index.ts';
import type { Jwk, KeyPair } from '../../../../src/core/keys/index.ts';
import { publicOf } from './helpers.ts';

// Signatures in @sd-jwt's callbacks come from Node's crypto directly, not from ddi's key code.
const nodeAlg = { EdDSA: null, ES256: 'sha256' } as const;
type Alg = keyof typeof nodeAlg;

function signerFor(jwk: Jwk, alg: Alg) {
  const key = createPrivateKey({ key: jwk as never, format: 'jwk' });
  return (data: string) =>
    nodeSign(nodeAlg[alg], Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }).toString(
      'base64url',
    );
}

function verifierFor(jwk: Jwk, alg: Alg) {
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  return (data: string, sig: string) =>
    nodeVerify(
      nodeAlg[alg],
      Buffer.from(data),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(sig, 'base64url'),
    );
}

function kbVerifier(alg: Alg) {
  return (data: string, sig: string, payload: Record<string, unknown>) =>
    verifierFor((payload.cnf as { jwk: Jwk }).jwk, alg)(data, sig);
}

const NOW = Math.floor(Date.now() / 1000);

for (const [type, alg] of [
  ['ed25519', 'EdDSA'],
  ['p256', 'ES256'],
] as const) {
  describe(`interop with @sd-jwt/sd-jwt-vc 0.19 (${alg})`, () => {
    const issuer: KeyPair = generateKeyPair(type);
    const holder: KeyPair = generateKeyPair(type);
    const issuerJwk = publicKeyToJwk(type, issuer.publicKey);
    const holderJwk = publicKeyToJwk(type, holder.publicKey);
    const theirs = new SDJwtVcInstance({
      hasher: digest,
      saltGenerator: generateSalt,
      signer: signerFor(privateKeyToJwk(type, issuer.privateKey), alg),
      signAlg: alg,
      verifier: verifierFor(issuerJwk, alg),
      kbSigner: signerFor(privateKeyToJwk(type, holder.privateKey), alg),
      kbSignAlg: alg,
      kbVerifier: kbVerifier(alg),
    });

    it('an SD-JWT VC we issue and present with KB verifies in @sd-jwt', async () => {
      const sdJwt = issueSdJwtVc({
        payload: {
          iss: 'did:ddi:issuer',
          vct: 'https://ddi.example/vct/pid',
          iat: NOW,
          exp: NOW + 600,
          cnf: { jwk: holderJwk },
          given_name: 'Mei',
          address: { city: 'Hangzhou', street: 'West Lake Rd' },
          nationalities: ['CN', 'SG'],
        },
        disclosable: [
          ['given_name'],
          ['address'],
          ['address', 'city'],
          ['nationalities', 0],
          ['nationalities', 1],
        ],
        signer: issuer,
        decoys: 2,
      });
      const presentation = presentSdJwt(sdJwt, {
        disclose: [
          ['address', 'city'],
          ['nationalities', 1],
        ],
        keyBinding: { aud: 'did:ddi:verifier', nonce: 'abc', signer: holder },
      });
      const result = await theirs.verify(presentation, {
        keyBindingNonce: 'abc',
        currentDate: NOW,
      });
      expect(result.payload).toMatchObject({
        address: { city: 'Hangzhou' },
        nationalities: ['SG'],
      });
      expect(result.payload).not.toHaveProperty('given_name');
      expect(result.kb?.payload).toMatchObject({ aud: 'did:ddi:verifier', nonce: 'abc' });
    });

    it('an SD-JWT VC @sd-jwt issues and presents with KB verifies here', async () => {
      const issued = await theirs.issue(
        {
          iss: 'did:ddi:their-issuer',
          vct: 'https://ddi.example/vct/pid',
          iat: NOW,
          cnf: { jwk: holderJwk },
          given_name: 'Mei',
          family_name: 'Li',
          address: { city: 'Hangzhou', street: 'West Lake Rd' },
        },
        { _sd: ['given_name', 'family_name', 'address'], address: { _sd: ['city', 'street'] } },
      );
      const presentation = await theirs.present(
        issued,
        { family_name: true, address: { city: true } },
        { kb: { payload: { aud: 'did:ddi:verifier', nonce: 'xyz', iat: NOW } } },
      );
      const result = await verifySdJwtVc(presentation, {
        resolveIssuerKey: () => publicKeyFromJwk(issuerJwk),
        requireKeyBinding: { aud: 'did:ddi:verifier', nonce: 'xyz' },
        now: NOW,
      });
      expect(result.payload).toEqual({
        iss: 'did:ddi:their-issuer',
        vct: 'https://ddi.example/vct/pid',
        iat: NOW,
        cnf: { jwk: holderJwk },
        family_name: 'Li',
        address: { city: 'Hangzhou' },
      });
      await expect(
        verifySdJwtVc(presentation, { resolveIssuerKey: () => publicOf(holder), now: NOW }),
      ).rejects.toThrow();
    });
  });
}
