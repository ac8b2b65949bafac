import { base58btcDecode, base58btcEncode } from '../encoding/multibase.ts';
import { varintDecode, varintEncode } from '../encoding/varint.ts';
import { DdiError, ErrorCode } from '../errors.ts';
import type { KeyType, KeyTypeName } from './key-type.ts';
import { getKeyType, lookupMulticodec } from './registry.ts';
import { LruCache } from '../cache/lru-cache.ts';

// Multikey (W3C Controlled Identifiers 1.0, did:key): 'z' + base58btc(varint(code) || key).

function encode(code: number, key: Uint8Array): string {
  const prefix = varintEncode(code);
  const bytes = new Uint8Array(prefix.length + key.length);
  bytes.set(prefix);
  bytes.set(key, prefix.length);
  return `z${base58btcEncode(bytes)}`;
}

function decode(text: string, part: 'public' | 'private'): { keyType: KeyType; key: Uint8Array } {
  if (typeof text !== 'string' || !text.startsWith('z')) {
    throw new DdiError(ErrorCode.Malformed, 'Multikey must be base58btc multibase (z...)', {
      reason: 'multibase',
    });
  }
  const bytes = base58btcDecode(text.slice(1));
  const { value: code, length } = varintDecode(bytes);
  const entry = lookupMulticodec(code);
  if (!entry) {
    throw new DdiError(
      ErrorCode.UnsupportedKeyType,
      `unsupported multicodec 0x${code.toString(16)}`,
      { multicodec: code },
    );
  }
  if (entry.part !== part) {
    throw new DdiError(
      ErrorCode.Malformed,
      `expected a ${part} key but multicodec 0x${code.toString(16)} is a ${entry.part} key`,
      { multicodec: code },
    );
  }
  return { keyType: entry.keyType, key: bytes.subarray(length) };
}

/** Multikey `publicKeyMultibase` of a public key (EC keys compressed first). */
export function publicKeyToMultibase(type: KeyTypeName, publicKey: Uint8Array): string {
  const keyType = getKeyType(type);
  return encode(keyType.multicodecPublic, keyType.normalizePublicKey(publicKey));
}

// Decoding checks the point (a square root on the curve: ~65 µs, as much as a signature
// verification), and the ledger decodes the same key when it validates a document and
// again when it checks the signature. Remembering recent keys made DID creates ~2x faster.
const decodedPublicKeys = new LruCache<string, { type: KeyTypeName; publicKey: Uint8Array }>(
  16_384,
);

/**
 * Reads a Multikey public key; checks the key bytes are a valid point of the named type.
 * The returned bytes may be shared with other callers: do not modify them.
 */
export function publicKeyFromMultibase(text: string): { type: KeyTypeName; publicKey: Uint8Array } {
  const cached = typeof text === 'string' ? decodedPublicKeys.get(text) : undefined;
  if (cached) return cached;
  const { keyType, key } = decode(text, 'public');
  // Multikey EC public keys are compressed; normalizePublicKey would also accept 65 bytes.
  if (keyType.name !== 'ed25519' && key.length !== 33) {
    throw new DdiError(ErrorCode.Malformed, `${keyType.name}: Multikey must be compressed`, {
      keyType: keyType.name,
    });
  }
  const decoded = { type: keyType.name, publicKey: keyType.normalizePublicKey(key) };
  decodedPublicKeys.set(text, decoded);
  return decoded;
}

/**
 * Records a key that `publicKeyFromMultibase` decoded on another thread (the ledger's
 * verification pool runs the same function there), so this thread skips the point check.
 */
export function rememberDecodedPublicKey(
  text: string,
  decoded: { type: KeyTypeName; publicKey: Uint8Array },
): void {
  decodedPublicKeys.set(text, decoded);
}

/** Multikey `secretKeyMultibase` of a private key. */
export function privateKeyToMultibase(type: KeyTypeName, privateKey: Uint8Array): string {
  const keyType = getKeyType(type);
  keyType.publicFromPrivate(privateKey); // validates length and range
  return encode(keyType.multicodecPrivate, privateKey);
}

/** Reads a Multikey private key; checks its length and range. */
export function privateKeyFromMultibase(text: string): {
  type: KeyTypeName;
  privateKey: Uint8Array;
} {
  const { keyType, key } = decode(text, 'private');
  const privateKey = Uint8Array.from(key);
  keyType.publicFromPrivate(privateKey);
  return { type: keyType.name, privateKey };
}
