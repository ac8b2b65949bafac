// Public surface of ddi's key types. Adapters: ed25519.ts, p256.ts, secp256k1.ts, sm2.ts.
import type { KeyPair, KeyTypeName } from './key-type.ts';
import { getKeyType } from './registry.ts';

export type { Jwk, KeyPair, KeyType, KeyTypeName } from './key-type.ts';
export { getKeyType, getKeyTypeByJwsAlgorithm, keyTypes } from './registry.ts';
export {
  keyTypeOfJwk,
  privateKeyFromJwk,
  privateKeyToJwk,
  publicKeyFromJwk,
  publicKeyToJwk,
} from './jwk.ts';
export {
  privateKeyFromMultibase,
  privateKeyToMultibase,
  publicKeyFromMultibase,
  publicKeyToMultibase,
  rememberDecodedPublicKey,
} from './multikey.ts';
export {
  SM2_DEFAULT_USER_ID,
  sm2Backend,
  sm2SignWithUserId,
  sm2UserDigest,
  sm2VerifyWithUserId,
} from './sm2.ts';
export type { Sm2BackendName } from './sm2.ts';

/** A fresh random key pair of `type`. */
export function generateKeyPair(type: KeyTypeName): KeyPair {
  return getKeyType(type).generate();
}

/** The canonical public key for a private key. */
export function publicKeyFromPrivate(type: KeyTypeName, privateKey: Uint8Array): Uint8Array {
  return getKeyType(type).publicFromPrivate(privateKey);
}

/** Signs `message` (64-byte signature; EC as r || s). Throws `malformed` for a bad key. */
export function sign(type: KeyTypeName, privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  return getKeyType(type).sign(privateKey, message);
}

/** True iff `signature` is valid; false (never throws) for bad signatures or key bytes. */
export function verify(
  type: KeyTypeName,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  return getKeyType(type).verify(publicKey, message, signature);
}
