import { signCompactJws } from '../jws/index.ts';
import { decodeSdJwt } from './decode.ts';
import { digestText, nodeHashName } from './lib/digest.ts';
import type { ClaimPath, Disclosure, PresentSdJwtOptions } from './types.ts';

// Does a requested path select a disclosure at `path`? Yes when either is a prefix of the other:
// an ancestor disclosure is needed to reach the claim, a descendant is part of the claim.
function related(requested: ClaimPath, path: readonly (string | number)[]): boolean {
  const n = Math.min(requested.length, path.length);
  for (let i = 0; i < n; i++) {
    const step = requested[i];
    if (step !== null && step !== path[i]) return false;
    if (step === null && typeof path[i] !== 'number') return false;
  }
  return true;
}

function isPrefix(
  prefix: readonly (string | number)[],
  path: readonly (string | number)[],
): boolean {
  return prefix.length <= path.length && prefix.every((step, i) => step === path[i]);
}

/**
 * Makes a presentation: the issuer-signed JWT with only the selected disclosures (and those
 * needed to reach them), then, when asked, a KB-JWT (`typ` kb+jwt) with `sd_hash` over it.
 */
export function presentSdJwt(sdJwt: string, options: PresentSdJwtOptions): string {
  const decoded = decodeSdJwt(sdJwt);
  const { disclose } = options;
  const chosen: Disclosure[] =
    typeof disclose === 'function'
      ? decoded.disclosures.filter((d) => disclose(d.path, d.value))
      : decoded.disclosures.filter((d) => disclose.some((requested) => related(requested, d.path)));
  // A chosen claim inside a recursive disclosure is unreachable without its ancestors.
  const keep = new Set(chosen);
  for (const d of decoded.disclosures) {
    if (!keep.has(d) && chosen.some((c) => isPrefix(d.path, c.path))) keep.add(d);
  }
  const presented = `${decoded.jws}~${decoded.disclosures
    .filter((d) => keep.has(d))
    .map((d) => `${d.encoded}~`)
    .join('')}`;
  const kb = options.keyBinding;
  if (!kb) return presented;
  const hashName = nodeHashName(decodeSdAlg(decoded.signedPayload._sd_alg));
  const kbJwt = signCompactJws(
    { typ: 'kb+jwt' },
    {
      ...kb.extraClaims,
      iat: kb.iat ?? Math.floor(Date.now() / 1000),
      aud: kb.aud,
      nonce: kb.nonce,
      sd_hash: digestText(hashName, presented),
    },
    kb.signer,
  );
  return `${presented}${kbJwt}`;
}

function decodeSdAlg(alg: unknown): unknown {
  return alg ?? 'sha-256';
}
