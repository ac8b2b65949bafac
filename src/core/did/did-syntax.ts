import { base58btc } from 'multiformats/bases/base58';
import { DdiError, ErrorCode } from '../errors.ts';

/** The method name of ddi's DIDs. */
export const DID_METHOD = 'ddi';

/**
 * did:ddi method-specific ids are base58btc (Bitcoin alphabet) SHA-256 digests: 32 bytes
 * encode to 43 or 44 characters — or fewer for a digest with leading zero bits (each zero
 * byte is one "1"), about one in 57,000 creates. Anything else under did:ddi is `invalidDid`.
 */
const DDI_SUFFIX = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

function isDdiSuffix(suffix: string): boolean {
  if (!DDI_SUFFIX.test(suffix)) return false;
  if (suffix.length >= 43) return true;
  // The rare short form must still be exactly a 32-byte digest.
  return base58btc.decode(`z${suffix}`).length === 32;
}
// DID Core 1.0 §3.1 ABNF: did = "did:" method-name ":" method-specific-id
const GENERIC_DID =
  /^did:([a-z0-9]+):((?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*((?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+)$/;
const MAX_DID_LENGTH = 256;

export interface ParsedDidUrl {
  did: string;
  /** The method-specific id (for did:ddi, the suffix). */
  suffix: string;
  path?: string;
  query?: string;
  fragment?: string;
}

/** True if `value` is a syntactically valid DID of any method (DID Core 1.0 ABNF). */
export function isDid(value: string): boolean {
  return value.length <= MAX_DID_LENGTH && GENERIC_DID.test(value);
}

/** True if `value` is a well-formed did:ddi DID (no path, query or fragment). */
export function isDdiDid(value: string): boolean {
  return value.startsWith('did:ddi:') && isDdiSuffix(value.slice(8));
}

/**
 * Parses a did:ddi DID or DID URL. Throws `invalidDid` for malformed input and
 * `methodNotSupported` for a valid DID of another method, as DID Resolution names them.
 */
export function parseDidUrl(input: string): ParsedDidUrl {
  if (typeof input !== 'string' || input.length > MAX_DID_LENGTH * 2) {
    throw new DdiError(ErrorCode.InvalidDid, 'not a DID');
  }
  const hashAt = input.indexOf('#');
  const beforeFragment = hashAt >= 0 ? input.slice(0, hashAt) : input;
  const fragment = hashAt >= 0 ? input.slice(hashAt + 1) : undefined;
  const queryAt = beforeFragment.indexOf('?');
  const beforeQuery = queryAt >= 0 ? beforeFragment.slice(0, queryAt) : beforeFragment;
  const query = queryAt >= 0 ? beforeFragment.slice(queryAt + 1) : undefined;
  const pathAt = beforeQuery.indexOf('/');
  const did = pathAt >= 0 ? beforeQuery.slice(0, pathAt) : beforeQuery;
  const path = pathAt >= 0 ? beforeQuery.slice(pathAt) : undefined;

  if (!isDid(did)) throw new DdiError(ErrorCode.InvalidDid, `not a valid DID: ${clip(did)}`);
  const method = did.split(':')[1];
  if (method !== DID_METHOD) {
    throw new DdiError(ErrorCode.MethodNotSupported, `DID method "${method}" is not supported`);
  }
  const suffix = did.slice(8);
  if (!isDdiSuffix(suffix)) {
    throw new DdiError(ErrorCode.InvalidDid, `not a valid did:ddi identifier: ${clip(did)}`);
  }
  if (fragment !== undefined && !/^[A-Za-z0-9._~!$&'()*+,;=:@/?%-]*$/.test(fragment)) {
    throw new DdiError(ErrorCode.InvalidDid, 'malformed DID URL fragment');
  }
  return { did, suffix, path, query, fragment };
}

/** Parses a did:ddi DID, rejecting DID URLs (path, query or fragment). */
export function parseDdiDid(input: string): string {
  const parsed = parseDidUrl(input);
  if (parsed.path !== undefined || parsed.query !== undefined || parsed.fragment !== undefined) {
    throw new DdiError(ErrorCode.InvalidDid, 'expected a DID, got a DID URL');
  }
  return parsed.did;
}

function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}
