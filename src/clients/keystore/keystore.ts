import { DdiError, ErrorCode } from '../../core/errors.ts';
import { openEncryptedText, readIfExists, writeEncryptedFile } from './encrypted-file.ts';
import {
  getKeyType,
  privateKeyFromJwk,
  privateKeyToJwk,
  publicKeyToMultibase,
} from '../../core/keys/index.ts';
import type { Jwk, KeyPair, KeyTypeName } from '../../core/keys/index.ts';

/** A named private key, as the keystore holds it (inside the encrypted envelope only). */
export interface StoredKey {
  name: string;
  type: KeyTypeName;
  /** Private JWK (public members and `d`). */
  privateKeyJwk: Jwk;
  publicKeyMultibase: string;
  /** ISO 8601 time the key was added. */
  created: string;
}

/** What the keystore knows about one of its owner's DIDs. */
export interface StoredDid {
  did: string;
  /** Verification method fragment → name of the stored key ("key-1" → "AbCd1234-key-1"). */
  signingKeys: Record<string, string>;
  /** Name of the stored recovery key (absent once spent without a successor, or if kept elsewhere). */
  recoveryKey?: string;
  /** Controller DIDs this DID names, as last written from this keystore. */
  controllers?: string[];
  /** versionId after the last operation made from this keystore. */
  versionId?: string;
  deactivated?: boolean;
  created: string;
  updated: string;
}

interface KeystoreContents {
  format: 'ddi-keystore';
  version: 1;
  keys: StoredKey[];
  dids: StoredDid[];
}

const KEY_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The CLI's (and any Node application's) encrypted keystore: one file holding an
 * encrypted-envelope (scrypt + AES-256-GCM) of named keys and DIDs. Private keys exist in
 * plaintext only in memory; the file is written 0600, atomically (temp file + rename).
 */
export class Keystore {
  private constructor(
    readonly path: string,
    private readonly passphrase: string,
    private contents: KeystoreContents,
    /** The file's text when it was read: a save refuses to overwrite changes made meanwhile. */
    private loadedText: string | undefined,
  ) {}

  /** Opens the keystore at `path`; a missing file gives an empty keystore (written on save). */
  static open(path: string, passphrase: string): Keystore {
    const text = readIfExists(path);
    if (text === undefined) {
      return new Keystore(
        path,
        passphrase,
        { format: 'ddi-keystore', version: 1, keys: [], dids: [] },
        undefined,
      );
    }
    const plaintext = openEncryptedText(path, text, passphrase, 'keystore');
    return new Keystore(path, passphrase, parseContents(plaintext, path), text);
  }

  /** True if a keystore file exists at `path`. */
  static exists(path: string): boolean {
    return readIfExists(path) !== undefined;
  }

  /** True once the keystore has been written to disk. */
  get onDisk(): boolean {
    return this.loadedText !== undefined;
  }

  /** All keys, oldest first. */
  keys(): readonly StoredKey[] {
    return this.contents.keys;
  }

  /** A key by name, or undefined. */
  key(name: string): StoredKey | undefined {
    return this.contents.keys.find((k) => k.name === name);
  }

  /** The key pair of a stored key; `notFound` if there is none by that name. */
  keyPair(name: string): KeyPair {
    const stored = this.key(name);
    if (!stored) throw new DdiError(ErrorCode.NotFound, `no key named "${name}" in the keystore`);
    const { type, privateKey } = privateKeyFromJwk(stored.privateKeyJwk);
    return { type, privateKey, publicKey: getKeyType(type).publicFromPrivate(privateKey) };
  }

  /** Stores a key under a new name; `conflict` if the name is taken. */
  addKey(name: string, keyPair: KeyPair, now = new Date()): StoredKey {
    if (!KEY_NAME.test(name)) {
      throw new DdiError(
        ErrorCode.Malformed,
        'a key name is 1-64 letters, digits, ".", "_" or "-"',
      );
    }
    if (this.key(name))
      throw new DdiError(ErrorCode.Conflict, `a key named "${name}" already exists`);
    const stored: StoredKey = {
      name,
      type: keyPair.type,
      privateKeyJwk: privateKeyToJwk(keyPair.type, keyPair.privateKey),
      publicKeyMultibase: publicKeyToMultibase(keyPair.type, keyPair.publicKey),
      created: now.toISOString(),
    };
    this.contents.keys.push(stored);
    return stored;
  }

  /** `base` if no key has that name, else `base-2`, `base-3`, … */
  uniqueKeyName(base: string): string {
    if (!this.key(base)) return base;
    for (let n = 2; ; n++) if (!this.key(`${base}-${n}`)) return `${base}-${n}`;
  }

  /** The DIDs whose records name this key (as a signing or recovery key). */
  keyReferences(name: string): string[] {
    return this.contents.dids
      .filter((d) => d.recoveryKey === name || Object.values(d.signingKeys).includes(name))
      .map((d) => d.did);
  }

  /** Removes a key and every reference to it from DID records. */
  deleteKey(name: string): void {
    if (!this.key(name))
      throw new DdiError(ErrorCode.NotFound, `no key named "${name}" in the keystore`);
    this.contents.keys = this.contents.keys.filter((k) => k.name !== name);
    for (const d of this.contents.dids) {
      if (d.recoveryKey === name) delete d.recoveryKey;
      for (const [fragment, keyName] of Object.entries(d.signingKeys)) {
        if (keyName === name) delete d.signingKeys[fragment];
      }
    }
  }

  /** All DID records, oldest first. */
  dids(): readonly StoredDid[] {
    return this.contents.dids;
  }

  /** A DID record, or undefined. */
  did(did: string): StoredDid | undefined {
    return this.contents.dids.find((d) => d.did === did);
  }

  /** Adds or replaces a DID record. */
  putDid(record: StoredDid): void {
    const index = this.contents.dids.findIndex((d) => d.did === record.did);
    if (index >= 0) this.contents.dids[index] = record;
    else this.contents.dids.push(record);
  }

  /** Forgets a DID record (its keys stay). */
  deleteDid(did: string): void {
    this.contents.dids = this.contents.dids.filter((d) => d.did !== did);
  }

  /** Encrypts and writes the keystore: temp file (0600, fsync'd) renamed over the old one. */
  save(): void {
    this.loadedText = writeEncryptedFile(
      this.path,
      JSON.stringify(this.contents),
      this.passphrase,
      this.loadedText,
    );
  }
}

function parseContents(plaintext: string, path: string): KeystoreContents {
  let value: Partial<KeystoreContents>;
  try {
    value = JSON.parse(plaintext) as Partial<KeystoreContents>;
  } catch {
    throw new DdiError(ErrorCode.Corrupt, `${path}: decrypted contents are not JSON`);
  }
  if (
    value?.format !== 'ddi-keystore' ||
    value.version !== 1 ||
    !Array.isArray(value.keys) ||
    !Array.isArray(value.dids)
  ) {
    throw new DdiError(ErrorCode.Corrupt, `${path}: not a version 1 ddi keystore`);
  }
  return value as KeystoreContents;
}
