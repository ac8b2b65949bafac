import { randomBytes } from 'node:crypto';
import { base64urlDecode, base64urlEncode } from '../../../encoding/base64url.ts';
import { DdiError, ErrorCode } from '../../../errors.ts';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Names that mean something to SD-JWT processing and so can never be claim names. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['_sd', '...', '_sd_alg']);

/** 128 random bits, base64url: the salt RFC 9901 section 9.3 recommends. */
export function randomSalt(): string {
  return randomBytes(16).toString('base64url');
}

/** Encodes a disclosure: base64url of the JSON array [salt, name, value] or [salt, value]. */
export function encodeDisclosure(salt: string, name: string | undefined, value: unknown): string {
  const array = name === undefined ? [salt, value] : [salt, name, value];
  return base64urlEncode(utf8Encoder.encode(JSON.stringify(array)));
}

export interface DecodedDisclosure {
  salt: string;
  name?: string;
  value: unknown;
}

function malformed(message: string): DdiError {
  return new DdiError(ErrorCode.Malformed, message, { reason: 'disclosure' });
}

/** Decodes one disclosure strictly: canonical base64url, UTF-8, a 2- or 3-element JSON array. */
export function decodeDisclosure(encoded: string): DecodedDisclosure {
  let array: unknown;
  try {
    array = JSON.parse(utf8Decoder.decode(base64urlDecode(encoded)));
  } catch {
    throw malformed('a disclosure is not base64url JSON');
  }
  if (!Array.isArray(array) || (array.length !== 2 && array.length !== 3)) {
    throw malformed('a disclosure is an array of two or three elements');
  }
  const [salt] = array as unknown[];
  if (typeof salt !== 'string') throw malformed('a disclosure salt is a string');
  if (array.length === 2) return { salt, value: array[1] };
  const name: unknown = array[1];
  if (typeof name !== 'string') throw malformed('a disclosure claim name is a string');
  if (RESERVED_NAMES.has(name)) {
    throw new DdiError(ErrorCode.InvalidCredential, `a disclosure may not name ${name}`, {
      reason: 'reservedClaimName',
      name,
    });
  }
  return { salt, name, value: array[2] };
}
