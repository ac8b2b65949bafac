import { DdiError, ErrorCode } from '../../errors.ts';
import { signCompactJws } from '../jws/index.ts';
import type { JsonObject } from '../jws/index.ts';
import { digestText, nodeHashName } from './lib/digest.ts';
import { encodeDisclosure, randomSalt, RESERVED_NAMES } from './lib/disclosure.ts';
import type { ClaimPath, IssueSdJwtOptions } from './types.ts';

/** The disclosable paths as a tree: which nodes are disclosable, and which have such below. */
interface Mark {
  disclosable: boolean;
  children: Map<string | number | null, Mark>;
  matched: Set<string | number | null>;
}

const newMark = (): Mark => ({ disclosable: false, children: new Map(), matched: new Set() });

function markTree(paths: readonly ClaimPath[]): Mark {
  const root = newMark();
  for (const path of paths) {
    if (!Array.isArray(path) || path.length === 0) {
      throw new DdiError(ErrorCode.Malformed, 'a disclosable path names at least one claim', {
        reason: 'disclosablePath',
      });
    }
    let node = root;
    for (const step of path) {
      let child = node.children.get(step);
      if (!child) {
        child = newMark();
        node.children.set(step, child);
      }
      node = child;
    }
    node.disclosable = true;
  }
  return root;
}

function pathNotFound(step: string | number | null): DdiError {
  return new DdiError(ErrorCode.Malformed, `no claim at disclosable path step ${String(step)}`, {
    reason: 'disclosablePathNotFound',
    step,
  });
}

function setOwn(target: JsonObject, name: string, value: unknown): void {
  Object.defineProperty(target, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * Issues an SD-JWT (RFC 9901): the listed claims become disclosures, nested paths give recursive
 * disclosures, digests in each `_sd` are sorted (with optional decoys) so their order reveals
 * nothing. Returns `<issuer-signed JWT>~<disclosure>~...~`.
 */
export function issueSdJwt(options: IssueSdJwtOptions): string {
  const hashAlg = options.hashAlg ?? 'sha-256';
  const hashName = nodeHashName(hashAlg);
  const salt = options.salt ?? randomSalt;
  const decoys = options.decoys ?? 0;
  const disclosures: string[] = [];

  const disclose = (name: string | undefined, value: unknown): string => {
    const encoded = encodeDisclosure(salt(), name, value);
    disclosures.push(encoded);
    return digestText(hashName, encoded);
  };

  const withDecoys = (digests: string[]): string[] => {
    // A decoy is the digest of random bytes: indistinguishable from a real digest.
    for (let i = 0; i < decoys; i++) digests.push(digestText(hashName, randomSalt()));
    return digests.sort();
  };

  const childMark = (mark: Mark | undefined, key: string | number): Mark | undefined => {
    if (!mark) return undefined;
    const exact = mark.children.get(key);
    if (exact) mark.matched.add(key);
    const any = typeof key === 'number' ? mark.children.get(null) : undefined;
    if (any) mark.matched.add(null);
    if (exact && any) {
      // A path through "every element" and one through this element: both apply.
      return {
        disclosable: exact.disclosable || any.disclosable,
        children: new Map([...any.children, ...exact.children]),
        matched: new Set(),
      };
    }
    return exact ?? any;
  };

  const checkAllMatched = (mark: Mark | undefined): void => {
    if (!mark) return;
    for (const step of mark.children.keys()) {
      if (!mark.matched.has(step)) throw pathNotFound(step);
    }
  };

  const build = (value: unknown, mark: Mark | undefined): unknown => {
    if (typeof value !== 'object' || value === null) {
      if (mark && mark.children.size > 0) throw pathNotFound([...mark.children.keys()][0] ?? null);
      return value;
    }
    if (Array.isArray(value)) {
      const out = value.map((element, i) => {
        const m = childMark(mark, i);
        const built = build(element, m);
        return m?.disclosable ? { '...': disclose(undefined, built) } : built;
      });
      checkAllMatched(mark);
      return out;
    }
    const out: JsonObject = {};
    const digests: string[] = [];
    for (const [key, element] of Object.entries(value)) {
      if (RESERVED_NAMES.has(key)) {
        throw new DdiError(ErrorCode.Malformed, `claim name ${key} is reserved by SD-JWT`, {
          reason: 'reservedClaimName',
        });
      }
      const m = childMark(mark, key);
      const built = build(element, m);
      if (m?.disclosable) digests.push(disclose(key, built));
      else setOwn(out, key, built);
    }
    checkAllMatched(mark);
    if (digests.length > 0) out._sd = withDecoys(digests);
    return out;
  };

  const root = markTree(options.disclosable ?? []);
  const payload = build(options.payload, root) as JsonObject;
  if (decoys > 0 && !Object.hasOwn(payload, '_sd')) payload._sd = withDecoys([]);
  payload._sd_alg = hashAlg;
  const jws = signCompactJws(options.header ?? {}, payload, options.signer);
  return `${jws}~${disclosures.map((d) => `${d}~`).join('')}`;
}
