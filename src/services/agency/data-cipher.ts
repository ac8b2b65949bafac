import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { DdiError, ErrorCode } from '../../core/errors.ts';

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

/**
 * AES-256-GCM for the agency's personal-data records. Each record is bound to its table and
 * key by the additional data, so a sealed row copied onto another person does not open.
 */
export class DataCipher {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== DATA_KEY_BYTES) {
      throw new DdiError(ErrorCode.Malformed, `the data key is ${DATA_KEY_BYTES} bytes`);
    }
  }

  seal(plaintext: string, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Uint8Array, context: string): string {
    const bytes = Buffer.from(sealed);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new DdiError(
        ErrorCode.KeystoreLocked,
        'a personal-data record does not open: wrong data key or tampered record',
      );
    }
  }

  /** HMAC-SHA-256 under a key derived from the data key: authenticates plain columns. */
  mac(text: string): Buffer {
    const key = createHmac('sha256', this.key).update('ddi/agency/mac-key/v1').digest();
    return createHmac('sha256', key).update(text).digest();
  }

  verifyMac(text: string, mac: Uint8Array): boolean {
    const expected = this.mac(text);
    return mac.length === expected.length && timingSafeEqual(expected, mac);
  }
}
