// Checks shared by VC and VP JWTs. Private to vc-jwt/: index.ts does not export them.
import { isDid } from '../../../did/index.ts';
import { DdiError, ErrorCode } from '../../../errors.ts';
import type { JwsHeader } from '../../jws/index.ts';

/** Throws `malformed` naming the field that is wrong. */
export function malformed(field: string, message: string): never {
  throw new DdiError(ErrorCode.Malformed, `${message} (${field})`, { reason: 'shape', field });
}

/** Throws `invalidCredential` with a stable `details.reason`. */
export function invalid(
  reason: string,
  message: string,
  details: Record<string, unknown> = {},
): never {
  throw new DdiError(ErrorCode.InvalidCredential, message, { reason, ...details });
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for an absolute URL (DIDs and `data:` URLs included). */
export function isUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

// VCDM 2.0 §4.9: validFrom/validUntil are XML Schema dateTimeStamp values, so the offset is required.
const DATE_TIME_STAMP = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of a dateTimeStamp, or `malformed` naming `field`. */
export function parseDateTimeStamp(value: unknown, field: string): number {
  const ms = typeof value === 'string' && DATE_TIME_STAMP.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) malformed(field, 'expected an XML Schema dateTimeStamp');
  return ms;
}

/**
 * The DID a `kid` belongs to: `kid` must be a DID URL with a fragment (a verification method),
 * optionally with a query (a `versionId`), never a path. Anything else is `unknownKey`.
 */
export function didOfKid(kid: unknown): string {
  if (typeof kid !== 'string') {
    throw new DdiError(ErrorCode.UnknownKey, 'the JWS header has no kid', { reason: 'kid' });
  }
  const hash = kid.indexOf('#');
  const beforeFragment = hash >= 0 ? kid.slice(0, hash) : kid;
  const query = beforeFragment.indexOf('?');
  const did = query >= 0 ? beforeFragment.slice(0, query) : beforeFragment;
  if (hash < 0 || hash === kid.length - 1 || !isDid(did)) {
    throw new DdiError(ErrorCode.UnknownKey, 'kid must be a DID URL naming a verification method', {
      reason: 'kid',
      kid,
    });
  }
  return did;
}

/** `kid` must be a key of `did`: a signer may not speak for a DID that is not its own. */
export function requireKidOf(kid: unknown, did: string, role: 'issuer' | 'holder'): string {
  const kidDid = didOfKid(kid);
  if (kidDid !== did) {
    throw new DdiError(ErrorCode.UnknownKey, `kid is not a key of the ${role} ${did}`, {
      reason: `${role}Mismatch`,
      kid,
      [role]: did,
    });
  }
  return kid as string;
}

/**
 * The header's `typ` must be `expected` (RFC 7515 §4.1.9: the "application/" prefix may be left
 * out and media types compare case-insensitively). This keeps one JWT kind from passing as another.
 */
export function requireTyp(header: JwsHeader, expected: 'vc+jwt' | 'vp+jwt'): void {
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
  if (typ !== expected && typ !== `application/${expected}`) {
    invalid('typ', `expected a JWS of typ ${expected}, got ${String(header.typ)}`, {
      typ: header.typ,
    });
  }
}

/** The `@context` of VCDM 2.0 (§4.3): an array whose first item is the v2 context URL. */
export function checkContext(value: unknown, base: string): void {
  if (!Array.isArray(value) || value[0] !== base) {
    malformed('@context', `@context must be an array starting with ${base}`);
  }
  value.forEach((item, i) => {
    if (!isUrl(item) && !isObject(item)) malformed(`@context[${i}]`, 'expected a URL or an object');
  });
}

/** `type` (VCDM 2.0 §4.5): one or more non-empty strings, including `required`. */
export function checkType(value: unknown, required: string): string[] {
  const types = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(types) ||
    types.length === 0 ||
    !types.every((t) => typeof t === 'string' && t !== '')
  ) {
    malformed('type', 'type must be a string or a non-empty array of strings');
  }
  if (!types.includes(required)) malformed('type', `type must include ${required}`);
  return types as string[];
}

/** Seconds since the epoch of a JWT NumericDate claim, or `malformed`. */
export function numericDate(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    malformed(field, 'expected a NumericDate (seconds since the epoch)');
  }
  return value;
}
