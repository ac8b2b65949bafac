import { describe, expect, it } from 'vitest';
import { verifyCompactJws } from '../../../../src/core/credentials/jws/index.ts';
import { verifySdJwt, verifySdJwtVc } from '../../../../src/core/credentials/sd-jwt/index.ts';
import { digestText } from '../../../../src/core/credentials/sd-jwt/lib/digest.ts';
import { publicKeyFromJwk } from '../../../../src/core/keys/index.ts';
import { readVectorJson, readVectorText } from '../../vectors.ts';
import { rejection } from './helpers.ts';

interface Example {
  section: string;
  kind: 'jws' | 'sd-jwt' | 'sd-jwt+kb';
  value: string;
}
interface DisclosureVector {
  section: string;
  claim: string;
  sha256: string;
  disclosure: string;
  decoded: unknown[];
}

const examples = readVectorJson<Example[]>('ietf-sd-jwt/sd-jwt-examples-editors-draft.json');
const disclosureVectors = readVectorJson<DisclosureVector[]>(
  'ietf-sd-jwt/disclosures-editors-draft.json',
);

// Just enough YAML for settings.yml: the public members of the issuer key under issuer_keys.
function issuerJwkFromSettings(): { kty: string; crv: string; x: string; y: string } {
  const text = readVectorText('ietf-sd-jwt/examples-input/settings.yml');
  const block = text.split('issuer_keys:')[1]?.split('holder_key:')[0] ?? '';
  const field = (name: string): string => {
    const match = new RegExp(`\\b${name}:\\s*(\\S+)`).exec(block);
    if (!match?.[1]) throw new Error(`settings.yml: no ${name}`);
    return match[1];
  };
  return { kty: field('kty'), crv: field('crv'), x: field('x'), y: field('y') };
}

const issuerKey = publicKeyFromJwk(issuerJwkFromSettings());
const KB_IAT = 1748536865; // the examples' KB-JWT iat
const resolveIssuerKey = () => issuerKey;
const requireKeyBinding = { aud: 'https://verifier.example.org', nonce: '1234567890' };

describe('RFC 9901 examples (editor’s draft text that became the RFC)', () => {
  it('has the examples this suite expects', () => {
    expect(examples.length).toBe(9);
    expect(disclosureVectors.length).toBe(88);
  });

  for (const example of examples) {
    it(`${example.section} (${example.kind}) verifies with the issuer key from settings.yml`, async () => {
      if (example.kind === 'jws') {
        const { payload } = await verifyCompactJws(example.value, resolveIssuerKey);
        expect(payload._sd_alg).toBe('sha-256');
        return;
      }
      const isVc = example.section.startsWith('A.3');
      const verify = isVc ? verifySdJwtVc : verifySdJwt;
      const result = await verify(example.value, {
        resolveIssuerKey,
        now: KB_IAT,
        ...(example.kind === 'sd-jwt+kb' ? { requireKeyBinding } : {}),
      });
      expect(result.keyBinding !== undefined).toBe(example.kind === 'sd-jwt+kb');
      const text = JSON.stringify(result.payload);
      expect(text).not.toContain('"_sd"');
      expect(text).not.toContain('"..."');
      expect(text).not.toContain('_sd_alg');
      // Every disclosure the example carries is one the RFC lists, with the same digest.
      const known = new Map(disclosureVectors.map((v) => [v.disclosure, v.sha256]));
      for (const d of result.disclosures) expect(known.get(d.encoded)).toBe(d.digest);
      expect(result.disclosures.length).toBe(example.value.split('~').length - 2);
    });
  }

  it('5.2: given name, family name, address and one nationality are disclosed', async () => {
    const example = examples.find((e) => e.section.startsWith('5.2'));
    const { payload } = await verifySdJwt(example?.value ?? '', {
      resolveIssuerKey,
      now: KB_IAT,
      requireKeyBinding,
    });
    expect(payload).toMatchObject({
      given_name: 'John',
      family_name: 'Doe',
      nationalities: ['US'],
      address: { country: 'US' },
    });
    expect(payload).not.toHaveProperty('email');
  });

  it('the KB examples fail for another nonce or audience, and when too old', async () => {
    const kb = examples.filter((e) => e.kind === 'sd-jwt+kb');
    expect(kb.length).toBe(3);
    for (const e of kb) {
      const err = await rejection(
        verifySdJwt(e.value, {
          resolveIssuerKey,
          now: KB_IAT + 3600,
          requireKeyBinding: { aud: 'https://other.example', nonce: 'x' },
        }),
      );
      expect(err.details?.reasons).toEqual([
        'audienceMismatch',
        'nonceMismatch',
        'keyBindingTooOld',
      ]);
    }
  });

  it('every disclosure digest in the RFC text matches (section 4.2.3 and all examples)', () => {
    for (const v of disclosureVectors) {
      expect(digestText('sha256', v.disclosure)).toBe(v.sha256);
      expect(JSON.parse(Buffer.from(v.disclosure, 'base64url').toString('utf8'))).toEqual(
        v.decoded,
      );
    }
  });
});
