import { base58btc } from 'multiformats/bases/base58';
import { DdiError, ErrorCode } from '../errors.ts';
import { base64urlDecode, base64urlEncode } from './base64url.ts';

/** The multibase encodings ddi reads and writes. */
export type MultibaseName = 'base58btc' | 'base64url';

/** Encodes bytes as base58btc without a multibase prefix (e.g. `publicKeyBase58`). */
export function base58btcEncode(bytes: Uint8Array): string {
  return base58btc.baseEncode(bytes);
}

/** Decodes prefix-less base58btc; throws DdiError `malformed`. */
export function base58btcDecode(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length === 0) {
    throw new DdiError(ErrorCode.Malformed, 'empty base58btc string', { reason: 'base58btc' });
  }
  try {
    return base58btc.baseDecode(text);
  } catch {
    throw new DdiError(ErrorCode.Malformed, 'invalid base58btc', { reason: 'base58btc' });
  }
}

/** Encodes bytes as a multibase string: 'z' + base58btc (default) or 'u' + base64url. */
export function multibaseEncode(bytes: Uint8Array, base: MultibaseName = 'base58btc'): string {
  return base === 'base58btc' ? `z${base58btcEncode(bytes)}` : `u${base64urlEncode(bytes)}`;
}

/** Decodes a 'z' (base58btc) or 'u' (base64url) multibase string; others are `malformed`. */
export function multibaseDecode(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length === 0) {
    throw new DdiError(ErrorCode.Malformed, 'empty multibase string', { reason: 'multibase' });
  }
  const prefix = text[0];
  const body = text.slice(1);
  if (prefix === 'z') return base58btcDecode(body);
  if (prefix === 'u') return base64urlDecode(body);
  throw new DdiError(ErrorCode.Malformed, `unsupported multibase prefix '${prefix}'`, {
    reason: 'multibase',
  });
}
