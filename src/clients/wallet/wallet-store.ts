import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import { openEncryptedText, readIfExists, writeEncryptedFile } from '../keystore/encrypted-file.ts';

/** A credential the wallet holds, exactly as the issuer signed it. */
export interface StoredCredential {
  /** The wallet's handle (random, 16 hex digits). */
  id: string;
  format: 'dc+sd-jwt' | 'jwt_vc_json';
  /** The SD-JWT (with every disclosure) or the vc+jwt. */
  credential: string;
  /** The Credential Issuer Identifier (URL) it came from. */
  issuerUrl: string;
  credentialConfigurationId: string;
  /** The holder key it is bound to: a DID URL of a key in the keystore. */
  holderKid: string;
  /** ISO 8601 time it was received. */
  received: string;
}

interface WalletContents {
  format: 'ddi-wallet';
  version: 1;
  credentials: StoredCredential[];
}

/** Where the wallet lives: `--wallet`, else DDI_WALLET, else `wallet.json` beside the keystore. */
export function walletPath(
  option: string | undefined,
  keystorePath: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return option || env.DDI_WALLET || join(dirname(keystorePath), 'wallet.json');
}

/**
 * The holder's credentials in one encrypted file. Credentials carry personal data, so they
 * are sealed like keys: the same envelope and passphrase as the keystore, written 0600 and
 * atomically, refusing to overwrite changes another process made since it was opened.
 */
export class WalletStore {
  private constructor(
    readonly path: string,
    private readonly passphrase: string,
    private contents: WalletContents,
    private loadedText: string | undefined,
  ) {}

  /** Opens the wallet at `path`; a missing file is an empty wallet (written on save). */
  static open(path: string, passphrase: string): WalletStore {
    const text = readIfExists(path);
    if (text === undefined) {
      const empty: WalletContents = { format: 'ddi-wallet', version: 1, credentials: [] };
      return new WalletStore(path, passphrase, empty, undefined);
    }
    const plaintext = openEncryptedText(path, text, passphrase, 'wallet');
    let contents: Partial<WalletContents>;
    try {
      contents = JSON.parse(plaintext) as Partial<WalletContents>;
    } catch {
      throw new DdiError(ErrorCode.Corrupt, `${path}: decrypted contents are not JSON`);
    }
    if (contents?.format !== 'ddi-wallet' || !Array.isArray(contents.credentials)) {
      throw new DdiError(ErrorCode.Corrupt, `${path}: not a version 1 ddi wallet`);
    }
    return new WalletStore(path, passphrase, contents as WalletContents, text);
  }

  /** Every credential, oldest first. */
  credentials(): readonly StoredCredential[] {
    return this.contents.credentials;
  }

  /** A credential by id (or a unique prefix of one); `notFound` otherwise. */
  credential(id: string): StoredCredential {
    const found = this.contents.credentials.filter((c) => c.id.startsWith(id));
    if (found.length !== 1 || id === '') {
      throw new DdiError(
        ErrorCode.NotFound,
        found.length > 1
          ? `"${id}" names several credentials`
          : `no credential ${id} in the wallet`,
      );
    }
    return found[0]!;
  }

  /** Adds a credential under a fresh id and returns it. */
  add(credential: Omit<StoredCredential, 'id'>): StoredCredential {
    const stored = { id: randomBytes(8).toString('hex'), ...credential };
    this.contents.credentials.push(stored);
    return stored;
  }

  /** Forgets a credential. */
  remove(id: string): void {
    const target = this.credential(id);
    this.contents.credentials = this.contents.credentials.filter((c) => c !== target);
  }

  /** Encrypts and writes the wallet: temp file (0600, fsync'd) renamed over the old one. */
  save(): void {
    this.loadedText = writeEncryptedFile(
      this.path,
      JSON.stringify(this.contents),
      this.passphrase,
      this.loadedText,
    );
  }
}
