import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  issueSdJwt,
  presentSdJwt,
  verifySdJwt,
} from '../../../../src/core/credentials/sd-jwt/index.ts';
import type { ClaimPath } from '../../../../src/core/credentials/sd-jwt/index.ts';
import { generateKeyPair } from '../../../../src/core/keys/index.ts';
import { readVectorJson, vectorsDir } from '../../vectors.ts';
import { publicOf } from './helpers.ts';

interface Case {
  claims: Record<string, unknown>;
  disclosureFrame?: Record<string, unknown>;
  presentationFrames?: Record<string, unknown>;
  presentedClaims?: Record<string, unknown>;
}

// sd-jwt-js disclosure frame: `_sd` lists the disclosable keys/indices at each level.
function framePaths(frame: unknown, prefix: (string | number)[] = []): ClaimPath[] {
  if (typeof frame !== 'object' || frame === null) return [];
  const out: ClaimPath[] = [];
  for (const [key, value] of Object.entries(frame)) {
    if (key === '_sd' && Array.isArray(value)) {
      for (const step of value as (string | number)[]) out.push([...prefix, step]);
    } else if (key !== '_sd_decoy') {
      const step = /^\d+$/.test(key) ? Number(key) : key;
      out.push(...framePaths(value, [...prefix, step]));
    }
  }
  return out;
}

// A presentation frame: `true` leaves are the claims to disclose. Its keys are strings for
// array indices too, so the claims decide whether a step is an index or a property name.
function presentationPaths(
  frame: unknown,
  claims: unknown,
  prefix: (string | number)[] = [],
): ClaimPath[] {
  if (frame === true) return [prefix];
  if (typeof frame !== 'object' || frame === null) return [];
  return Object.entries(frame).flatMap(([key, value]) => {
    const step = Array.isArray(claims) ? Number(key) : key;
    const below = (claims as Record<string | number, unknown> | undefined)?.[step];
    return presentationPaths(value, below, [...prefix, step]);
  });
}

const dir = 'sd-jwt-js/core-test';
const files = readdirSync(path.join(vectorsDir, dir)).filter(
  // json_serialization is the JWS JSON serialization, which ddi does not produce.
  (f) => f.endsWith('.json') && f !== 'json_serialization.json',
);

describe('sd-jwt-js core test cases: issue with the frame, present, verify', () => {
  const issuer = generateKeyPair('ed25519');
  it('has the cases', () => expect(files.length).toBe(16));
  for (const file of files) {
    it(file, async () => {
      const c = readVectorJson<Case>(`${dir}/${file}`);
      const sdJwt = issueSdJwt({
        payload: c.claims,
        disclosable: framePaths(c.disclosureFrame),
        signer: issuer,
        header: { typ: 'example+sd-jwt' },
      });
      // Everything disclosed gives back the claims exactly.
      const all = await verifySdJwt(sdJwt, { resolveIssuerKey: () => publicOf(issuer) });
      expect(all.payload).toEqual({ ...c.claims });

      const presented = presentSdJwt(sdJwt, {
        disclose: presentationPaths(c.presentationFrames ?? {}, c.claims),
      });
      const { payload } = await verifySdJwt(presented, {
        resolveIssuerKey: () => publicOf(issuer),
      });
      expect(payload).toMatchObject(c.presentedClaims ?? {});
      // requiredClaimKeys are not checked: sd-jwt-js counts array indices before undisclosed
      // elements are removed, so "foo.1" names what ends up at foo[0].
    });
  }
});
