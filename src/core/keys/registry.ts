import { DdiError, ErrorCode } from '../errors.ts';
import { ed25519 } from './ed25519.ts';
import type { KeyType, KeyTypeName } from './key-type.ts';
import { p256 } from './p256.ts';
import { secp256k1 } from './secp256k1.ts';
import { sm2 } from './sm2.ts';

/** Every key type ddi supports, by name. */
export const keyTypes: Readonly<Record<KeyTypeName, KeyType>> = Object.freeze({
  ed25519,
  p256,
  secp256k1,
  sm2,
});

const byName = new Map<string, KeyType>(Object.entries(keyTypes));
const byJwsAlgorithm = new Map<string, KeyType>(
  Object.values(keyTypes).map((t) => [t.jwsAlgorithm, t]),
);
const byMulticodec = new Map<number, { keyType: KeyType; part: 'public' | 'private' }>(
  Object.values(keyTypes).flatMap((t) => [
    [t.multicodecPublic, { keyType: t, part: 'public' as const }],
    [t.multicodecPrivate, { keyType: t, part: 'private' as const }],
  ]),
);

/** The key type called `name`; throws DdiError `unsupportedKeyType` for anything else. */
export function getKeyType(name: string): KeyType {
  const keyType = byName.get(name);
  if (!keyType) {
    throw new DdiError(ErrorCode.UnsupportedKeyType, `unsupported key type: ${String(name)}`, {
      keyType: name,
    });
  }
  return keyType;
}

/** The key type that signs with JOSE `alg`; throws DdiError `unsupportedKeyType`. */
export function getKeyTypeByJwsAlgorithm(alg: string): KeyType {
  const keyType = byJwsAlgorithm.get(alg);
  if (!keyType) {
    throw new DdiError(ErrorCode.UnsupportedKeyType, `unsupported JWS algorithm: ${String(alg)}`, {
      alg,
    });
  }
  return keyType;
}

/** The key type and key part a multicodec code names, or undefined. */
export function lookupMulticodec(
  code: number,
): { keyType: KeyType; part: 'public' | 'private' } | undefined {
  return byMulticodec.get(code);
}
