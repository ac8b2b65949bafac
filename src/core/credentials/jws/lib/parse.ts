import { base64urlDecode } from '../../../encoding/base64url.ts';
import { DdiError, ErrorCode } from '../../../errors.ts';
import type { JsonObject, JwsHeader } from '../types.ts';

// fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a BOM stays and then fails JSON.parse.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Default bound on a compact JWS: far above any credential ddi issues, far below memory trouble. */
export const DEFAULT_MAX_JWS_LENGTH = 256 * 1024;

// Header parameters registered by RFC 7515/7516/7797 may not be listed in `crit` (RFC 7515 4.1.11).
const REGISTERED_HEADER_PARAMETERS = new Set([
  'alg',
  'jku',
  'jwk',
  'kid',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
  'typ',
  'cty',
  'crit',
  'enc',
  'zip',
]);

function malformed(message: string, reason: string): DdiError {
  return new DdiError(ErrorCode.Malformed, message, { reason });
}

/** Decodes strict base64url, then strict UTF-8, then JSON that must be an object. */
export function decodeJsonObjectPart(encoded: string, what: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(utf8Decoder.decode(base64urlDecode(encoded)));
  } catch (err) {
    if (err instanceof DdiError) throw err;
    throw malformed(`${what} is not UTF-8 JSON`, 'json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(`${what} must be a JSON object`, 'json');
  }
  return value as JsonObject;
}

/** The three parts of a compact JWS, split without decoding. */
export function splitCompactJws(jws: unknown, maxLength: number): [string, string, string] {
  if (typeof jws !== 'string') throw malformed('a compact JWS must be a string', 'jws');
  if (jws.length > maxLength) {
    throw new DdiError(ErrorCode.TooLarge, `JWS is longer than ${maxLength} characters`, {
      reason: 'jwsTooLarge',
      maxLength,
    });
  }
  const parts = jws.split('.');
  if (parts.length !== 3) throw malformed('a compact JWS has exactly three parts', 'jws');
  return parts as [string, string, string];
}

/**
 * Parses and checks a protected header: `alg` a string and not `none`; `crit`, when present, a
 * non-empty list of distinct, unregistered names that the caller understands and that occur in
 * the header; `b64` only as its default (true), since ddi never signs unencoded payloads.
 */
export function parseProtectedHeader(encoded: string, understood: readonly string[]): JwsHeader {
  const header = decodeJsonObjectPart(encoded, 'JWS header');
  const { alg, crit } = header;
  if (typeof alg !== 'string' || alg.length === 0) {
    throw malformed('JWS header has no alg', 'alg');
  }
  if (alg.toLowerCase() === 'none') {
    throw new DdiError(ErrorCode.UnsupportedKeyType, 'unsecured JWS (alg none) is not accepted', {
      reason: 'algNone',
      alg,
    });
  }
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0) {
      throw malformed('crit must be a non-empty array', 'crit');
    }
    const seen = new Set<string>();
    for (const name of crit) {
      if (typeof name !== 'string' || seen.has(name) || REGISTERED_HEADER_PARAMETERS.has(name)) {
        throw malformed('crit lists an invalid or registered name', 'crit');
      }
      seen.add(name);
      if (!understood.includes(name)) {
        throw new DdiError(ErrorCode.Malformed, `unsupported critical header parameter ${name}`, {
          reason: 'crit',
          parameter: name,
        });
      }
      if (!Object.hasOwn(header, name)) {
        throw malformed(`critical header parameter ${name} is missing`, 'crit');
      }
    }
  }
  if (Object.hasOwn(header, 'b64') && header.b64 !== true) {
    throw malformed('unencoded payloads (b64 false) are not supported', 'b64');
  }
  return header as JwsHeader;
}
