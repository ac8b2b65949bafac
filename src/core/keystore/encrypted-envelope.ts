import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { DdiError, ErrorCode } from '../errors.ts';

/**
 * Passphrase encryption for secrets kept on disk: scrypt (N=2^15, r=8, p=1, ~100 ms here)
 * derives an AES-256-GCM key; the GCM tag detects both a wrong passphrase and tampering.
 */
export interface EncryptedEnvelope {
  version: 1;
  kdf: { name: 'scrypt'; salt: string; N: number; r: number; p: number };
  cipher: { name: 'aes-256-gcm'; iv: string; tag: string };
  ciphertext: string;
}

const DEFAULT_KDF = { N: 1 << 15, r: 8, p: 1 };
const MAX_N = 1 << 20;

function deriveKey(
  passphrase: string,
  salt: Buffer,
  kdf: { N: number; r: number; p: number },
): Buffer {
  return scryptSync(passphrase.normalize('NFKC'), salt, 32, {
    ...kdf,
    maxmem: 256 * kdf.N * kdf.r + 1024 * 1024,
  });
}

/** Encrypts UTF-8 text under a passphrase. */
export function encryptWithPassphrase(plaintext: string, passphrase: string): EncryptedEnvelope {
  if (passphrase.length === 0)
    throw new DdiError(ErrorCode.Malformed, 'passphrase must not be empty');
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = deriveKey(passphrase, salt, DEFAULT_KDF);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    version: 1,
    kdf: { name: 'scrypt', salt: salt.toString('base64'), ...DEFAULT_KDF },
    cipher: {
      name: 'aes-256-gcm',
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    },
    ciphertext: ciphertext.toString('base64'),
  };
}

/** Decrypts an envelope; a wrong passphrase or altered file is `keystoreLocked`. */
export function decryptWithPassphrase(envelope: unknown, passphrase: string): string {
  const e = envelope as EncryptedEnvelope;
  if (
    e?.version !== 1 ||
    e.kdf?.name !== 'scrypt' ||
    e.cipher?.name !== 'aes-256-gcm' ||
    !Number.isInteger(e.kdf.N) ||
    e.kdf.N > MAX_N ||
    !Number.isInteger(e.kdf.r) ||
    !Number.isInteger(e.kdf.p) ||
    typeof e.ciphertext !== 'string'
  ) {
    throw new DdiError(ErrorCode.Malformed, 'not a ddi encrypted envelope');
  }
  try {
    const key = deriveKey(passphrase, Buffer.from(e.kdf.salt, 'base64'), e.kdf);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(e.cipher.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(e.cipher.tag, 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(e.ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new DdiError(
      ErrorCode.KeystoreLocked,
      'wrong passphrase, or the encrypted file was altered',
    );
  }
}
