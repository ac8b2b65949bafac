import { DdiError, ErrorCode } from '../../../errors.ts';
import type { JsonObject } from '../../jws/index.ts';
import type { Disclosure } from '../types.ts';
import type { DecodedDisclosure } from './disclosure.ts';

/** A disclosure from the presentation, waiting to be matched to a digest in the claims. */
export interface PendingDisclosure {
  encoded: string;
  digest: string;
  decoded: DecodedDisclosure;
  path?: (string | number)[];
}

// Deeper nesting than this is no credential; bounding it keeps recursion off the stack limit.
const MAX_DEPTH = 64;

function invalid(message: string, reason: string, details: JsonObject = {}): DdiError {
  return new DdiError(ErrorCode.InvalidCredential, message, { reason, ...details });
}

function malformed(message: string, reason: string): DdiError {
  return new DdiError(ErrorCode.Malformed, message, { reason });
}

// A disclosed name is set as an own property even when it is "__proto__", which plain
// assignment would turn into a prototype change.
function setOwn(target: JsonObject, name: string, value: unknown): void {
  if (name === '__proto__') {
    Object.defineProperty(target, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[name] = value;
  }
}

function isArrayElementDigest(value: unknown): value is { '...': unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '...';
}

/**
 * RFC 9901 section 7.1 steps 3-5: replaces digests in `payload` (mutated; it must be freshly
 * parsed) by the disclosed claims, removes `_sd`, `_sd_alg` and undisclosed array elements,
 * and checks that each digest occurs once and each disclosure is referenced exactly once.
 */
export function processDisclosures(
  payload: JsonObject,
  pending: readonly PendingDisclosure[],
): { claims: JsonObject; disclosures: Disclosure[] } {
  const byDigest = new Map<string, PendingDisclosure>();
  for (const p of pending) {
    if (byDigest.has(p.digest)) {
      throw invalid('the same disclosure is presented twice', 'duplicateDisclosure', {
        digest: p.digest,
      });
    }
    byDigest.set(p.digest, p);
  }
  const seenDigests = new Set<string>();
  const path: (string | number)[] = [];

  const take = (digest: unknown): PendingDisclosure | undefined => {
    if (typeof digest !== 'string') throw malformed('a digest must be a string', 'digest');
    if (seenDigests.has(digest)) {
      throw invalid('a digest occurs more than once in the credential', 'duplicateDigest', {
        digest,
      });
    }
    seenDigests.add(digest);
    const found = byDigest.get(digest);
    if (found) found.path = path.slice();
    return found;
  };

  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (depth > MAX_DEPTH) throw malformed('claims are nested too deeply', 'tooDeep');
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        const element: unknown = value[i];
        path.push(i);
        if (isArrayElementDigest(element)) {
          const found = take(element['...']);
          if (found) {
            if (found.decoded.name !== undefined) {
              throw invalid(
                'an array element digest names an object property disclosure',
                'disclosureShape',
              );
            }
            out.push(walk(found.decoded.value, depth + 1));
          }
        } else {
          out.push(walk(element, depth + 1));
        }
        path.pop();
      }
      // In place, so a disclosure's value and the claims share one processed copy.
      value.length = 0;
      for (const element of out) value.push(element);
      return value;
    }
    const object = value as JsonObject;
    if (Object.hasOwn(object, '_sd')) {
      const digests = object._sd;
      if (!Array.isArray(digests)) throw malformed('_sd must be an array', 'digest');
      delete object._sd;
      for (const digest of digests) {
        const found = take(digest);
        if (!found) continue;
        const { name } = found.decoded;
        if (name === undefined) {
          throw invalid('an _sd digest names an array element disclosure', 'disclosureShape');
        }
        if (Object.hasOwn(object, name)) {
          throw invalid(`disclosed claim ${name} already exists`, 'claimNameCollision', { name });
        }
        found.path = [...path, name];
        setOwn(object, name, found.decoded.value);
      }
    }
    for (const key of Object.keys(object)) {
      path.push(key);
      setOwn(object, key, walk(object[key], depth + 1));
      path.pop();
    }
    return object;
  };

  delete payload._sd_alg;
  walk(payload, 0);

  const disclosures: Disclosure[] = [];
  for (const p of pending) {
    if (p.path === undefined) {
      throw invalid('a disclosure is not referenced by the credential', 'disclosureNotReferenced', {
        digest: p.digest,
      });
    }
    const { salt, name, value } = p.decoded;
    disclosures.push({
      encoded: p.encoded,
      digest: p.digest,
      salt,
      ...(name === undefined ? {} : { name }),
      value,
      path: p.path,
    });
  }
  return { claims: payload, disclosures };
}
