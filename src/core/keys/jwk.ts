import { DdiError, ErrorCode } from '../errors.ts';
import type { Jwk, KeyType, KeyTypeName } from './key-type.ts';
import { getKeyType, keyTypes } from './registry.ts';

/** Which key type a JWK holds, from `kty` and `crv`; throws `malformed` / `unsupportedKeyType`. */
export function keyTypeOfJwk(jwk: Jwk): KeyType {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new DdiError(ErrorCode.Malformed, 'JWK must be an object');
  }
  const { kty, crv } = jwk as { kty?: unknown; crv?: unknown };
  if (typeof kty !== 'string' || kty === '') {
    throw new DdiError(ErrorCode.Malformed, 'JWK has no "kty"');
  }
  if (kty !== 'OKP' && kty !== 'EC') {
    throw new DdiError(ErrorCode.UnsupportedKeyType, `unsupported JWK kty: ${kty}`, { kty });
  }
  if (typeof crv !== 'string' || crv === '') {
    throw new DdiError(ErrorCode.Malformed, 'JWK has no "crv"');
  }
  const keyType = Object.values(keyTypes).find(
    (t) => t.jwkCurve === crv && (kty === 'OKP') === (t.name === 'ed25519'),
  );
  if (!keyType) {
    throw new DdiError(ErrorCode.UnsupportedKeyType, `unsupported JWK curve: ${kty}/${crv}`, {
      kty,
      crv,
    });
  }
  return keyType;
}

/** Public JWK of a key (RFC 7517; OKP per RFC 8037, EC per RFC 7518, EC/"SM2" for SM2). */
export function publicKeyToJwk(type: KeyTypeName, publicKey: Uint8Array): Jwk {
  return getKeyType(type).publicToJwk(publicKey);
}

/** Reads a public JWK (any `d` is ignored); returns the key type and canonical key bytes. */
export function publicKeyFromJwk(jwk: Jwk): { type: KeyTypeName; publicKey: Uint8Array } {
  const keyType = keyTypeOfJwk(jwk);
  return { type: keyType.name, publicKey: keyType.publicFromJwk(jwk) };
}

/** Private JWK (public members plus `d`). */
export function privateKeyToJwk(type: KeyTypeName, privateKey: Uint8Array): Jwk {
  return getKeyType(type).privateToJwk(privateKey);
}

/** Reads a private JWK; if it carries public members they must match `d`. */
export function privateKeyFromJwk(jwk: Jwk): { type: KeyTypeName; privateKey: Uint8Array } {
  const keyType = keyTypeOfJwk(jwk);
  return { type: keyType.name, privateKey: keyType.privateFromJwk(jwk) };
}
