import { hash } from 'node:crypto';
import { DdiError, ErrorCode } from '../../../errors.ts';
import type { SdHashAlg } from '../types.ts';

const NODE_NAMES: Readonly<Record<SdHashAlg, string>> = {
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
  sm3: 'sm3',
};

/** The Node hash name for an `_sd_alg`; throws `malformed` for one ddi does not support. */
export function nodeHashName(alg: unknown): string {
  const name =
    typeof alg === 'string' && Object.hasOwn(NODE_NAMES, alg)
      ? NODE_NAMES[alg as SdHashAlg]
      : undefined;
  if (name === undefined) {
    throw new DdiError(ErrorCode.Malformed, `unsupported _sd_alg ${String(alg)}`, {
      reason: 'unsupportedSdAlg',
    });
  }
  return name;
}

/** base64url(hash(ASCII text)): disclosure digests and `sd_hash` (one-shot crypto.hash, no Hash object). */
export function digestText(nodeName: string, text: string): string {
  return hash(nodeName, text, 'base64url');
}
