import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import {
  decryptWithPassphrase,
  encryptWithPassphrase,
} from '../../core/keystore/encrypted-envelope.ts';

/**
 * A file sealed with a passphrase (the keystore, the wallet): read and decrypt, and write
 * atomically (temp file 0600, fsync, rename, directory fsync), refusing to overwrite
 * changes another process made since the caller read it.
 */

/** The file's text, or undefined when there is no file. */
export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Decrypts the file's text (an envelope); `what` names the file kind in errors. */
export function openEncryptedText(
  path: string,
  text: string,
  passphrase: string,
  what: string,
): string {
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    throw new DdiError(ErrorCode.Malformed, `${path} is not a ddi ${what} (not JSON)`);
  }
  return decryptWithPassphrase(envelope, passphrase);
}

/**
 * Encrypts `plaintext` and replaces the file with it, provided the file still holds
 * `expectedText` (what the caller read; undefined = no file). Returns the new text.
 */
export function writeEncryptedFile(
  path: string,
  plaintext: string,
  passphrase: string,
  expectedText: string | undefined,
): string {
  if (readIfExists(path) !== expectedText) {
    throw new DdiError(
      ErrorCode.Conflict,
      `${path} was changed by another process since it was opened; run the command again`,
    );
  }
  const text = `${JSON.stringify(encryptWithPassphrase(plaintext, passphrase), null, 2)}\n`;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  syncDirectory(dir);
  return text;
}

/** Makes the rename durable (the directory entry), where the platform allows it. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
