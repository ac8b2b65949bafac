/** The encrypted keystore of the CLI and of Node applications. */
export { Keystore } from './keystore.ts';
export type { StoredDid, StoredKey } from './keystore.ts';
export { keystorePath } from './keystore-path.ts';
export { readPassphrase } from './passphrase.ts';
export type { PassphraseOptions } from './passphrase.ts';
export { DeviceFile, keyPairOf, storedDevice } from './device-file.ts';
export type { StoredDevice } from './device-file.ts';
