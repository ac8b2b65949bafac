import canonicalizeModule from 'canonicalize';
import { DdiError, ErrorCode } from '../errors.ts';

// The package is CommonJS (`module.exports = serialize`) but its typings declare an ES default
// export, which NodeNext reads as `exports.default`; at runtime the import is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

// A UTF-16 surrogate without its partner; I-JSON (which JCS requires) forbids these.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function fail(path: string, reason: string): never {
  throw new DdiError(ErrorCode.Malformed, `cannot canonicalize ${path}: ${reason}`, {
    reason: 'canonicalJson',
    path,
  });
}

/**
 * Rejects what JCS (RFC 8785) cannot represent before `canonicalize` sees it: that package
 * passes functions, nested BigInts and cycles through to JSON.stringify, which either throws
 * an untyped error or silently emits invalid JSON text.
 */
function check(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) fail(path, 'string has a lone UTF-16 surrogate');
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(path, `${value} is not a JSON number`);
      return;
    case 'boolean':
      return;
    case 'object':
      break;
    default:
      fail(path, `${typeof value} is not a JSON value`);
  }
  if (value === null) return;
  if (ancestors.has(value)) fail(path, 'cycle');
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    check((toJSON as () => unknown).call(value), path, ancestors);
    return;
  }
  ancestors.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => check(item, `${path}[${i}]`, ancestors));
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) fail(path, 'not a plain object');
    for (const [key, item] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) fail(path, 'property name has a lone UTF-16 surrogate');
      // Absent optional fields are common in TypeScript objects; JCS drops them like JSON does.
      if (item !== undefined) check(item, `${path}.${key}`, ancestors);
    }
  }
  ancestors.delete(value);
}

/** RFC 8785 JSON Canonicalization Scheme text of `value`; throws DdiError `malformed`. */
export function canonicalJson(value: unknown): string {
  check(value, '$', new Set());
  const text = canonicalize(value);
  if (text === undefined) fail('$', 'not a JSON value');
  return text;
}

const utf8 = new TextEncoder();

/** UTF-8 bytes of the RFC 8785 canonical form of `value` (what ddi hashes and signs). */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalJson(value));
}
