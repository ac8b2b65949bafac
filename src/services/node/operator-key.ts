import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decryptWithPassphrase,
  encryptWithPassphrase,
} from '../../core/keystore/encrypted-envelope.ts';
import {
  generateKeyPair,
  privateKeyFromJwk,
  privateKeyToJwk,
  getKeyType,
} from '../../core/keys/index.ts';
import type { KeyPair } from '../../core/keys/key-type.ts';

/**
 * The passphrase a development node uses when DDI_OPERATOR_PASSPHRASE is unset. It keeps
 * the key file encrypted in form only: production operators must set their own.
 */
export const DEV_OPERATOR_PASSPHRASE = 'ddi-development-only';

const FILE = 'operator-key.json';

/** Loads the node's operator key from its data directory, creating one on first run. */
export function loadOrCreateOperatorKey(
  dataDir: string,
  passphrase: string,
): { key: KeyPair; created: boolean } {
  const path = join(dataDir, FILE);
  if (existsSync(path)) {
    const jwk = JSON.parse(
      decryptWithPassphrase(JSON.parse(readFileSync(path, 'utf8')), passphrase),
    );
    const { type, privateKey } = privateKeyFromJwk(jwk);
    return {
      key: { type, privateKey, publicKey: getKeyType(type).publicFromPrivate(privateKey) },
      created: false,
    };
  }
  const key = generateKeyPair('ed25519');
  const envelope = encryptWithPassphrase(
    JSON.stringify(privateKeyToJwk(key.type, key.privateKey)),
    passphrase,
  );
  writeFileSync(path, JSON.stringify(envelope, null, 2), { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}
