import { DdiError, ErrorCode } from '../../core/errors.ts';
import {
  getKeyType,
  privateKeyFromJwk,
  privateKeyToJwk,
  publicKeyToMultibase,
} from '../../core/keys/index.ts';
import type { Jwk, KeyPair } from '../../core/keys/index.ts';
import { openEncryptedText, readIfExists, writeEncryptedFile } from './encrypted-file.ts';

/** One device as its organization provisions it: the device's DID and private keys. */
export interface StoredDevice {
  did: string;
  controller: string;
  /** Fragment of the device's current authentication key. */
  keyId: string;
  /** The device's private key (JWK): what the organization installs on the device. */
  keyJwk: Jwk;
  publicKeyMultibase: string;
  /** The DID's recovery key (JWK): stays with the organization, offline. */
  recoveryKeyJwk: Jwk;
  /** registered: on the ledger and in the registry; failed: the ledger refused it. */
  status: 'prepared' | 'registered' | 'failed' | 'decommissioned';
  /** A new key saved before its rotation is sent; it replaces `keyJwk` once the ledger has it. */
  pendingKey?: { keyId: string; keyJwk: Jwk };
  /** vc+jwt device credentials issued by the organization. */
  credentials?: string[];
  created: string;
  updated: string;
}

interface DeviceFileContents {
  format: 'ddi-device-file';
  version: 1;
  devices: StoredDevice[];
}

/**
 * An organization's device provisioning file: the private keys of the devices it
 * registered, sealed with a passphrase like the keystore (scrypt + AES-256-GCM, written
 * 0600 and atomically). Kept apart from the keystore so that 10,000 device keys do not weigh
 * on every CLI command; an entry is what gets installed on one device.
 */
export class DeviceFile {
  private readonly byDid = new Map<string, StoredDevice>();

  private constructor(
    readonly path: string,
    private readonly passphrase: string,
    private contents: DeviceFileContents,
    private loadedText: string | undefined,
  ) {
    for (const d of contents.devices) this.byDid.set(d.did, d);
  }

  /** Opens the file at `path`; a missing file gives an empty one (written on save). */
  static open(path: string, passphrase: string): DeviceFile {
    const text = readIfExists(path);
    if (text === undefined) {
      return new DeviceFile(
        path,
        passphrase,
        { format: 'ddi-device-file', version: 1, devices: [] },
        undefined,
      );
    }
    const plaintext = openEncryptedText(path, text, passphrase, 'device file');
    return new DeviceFile(path, passphrase, parseContents(plaintext, path), text);
  }

  /** All devices, in the order they were added. */
  devices(): readonly StoredDevice[] {
    return this.contents.devices;
  }

  /** A device by DID, or undefined. */
  device(did: string): StoredDevice | undefined {
    return this.byDid.get(did);
  }

  /** A device by DID; `notFound` naming the file if it is not there. */
  require(did: string): StoredDevice {
    const found = this.byDid.get(did);
    if (!found)
      throw new DdiError(ErrorCode.NotFound, `${did} is not in the device file ${this.path}`);
    return found;
  }

  /** Adds a device, or replaces the one with the same DID. */
  put(device: StoredDevice): void {
    if (this.byDid.has(device.did)) {
      const index = this.contents.devices.findIndex((d) => d.did === device.did);
      this.contents.devices[index] = device;
    } else {
      this.contents.devices.push(device);
    }
    this.byDid.set(device.did, device);
  }

  /** The device's current key pair. */
  keyPair(did: string): KeyPair {
    return keyPairOf(this.require(did).keyJwk);
  }

  /** Encrypts and writes the file, refusing to overwrite changes made by another process. */
  save(): void {
    this.loadedText = writeEncryptedFile(
      this.path,
      JSON.stringify(this.contents),
      this.passphrase,
      this.loadedText,
    );
  }
}

/** A device entry for fresh keys (the device key and the recovery key). */
export function storedDevice(
  did: string,
  controller: string,
  keyId: string,
  key: KeyPair,
  recoveryKey: KeyPair,
  now = new Date(),
): StoredDevice {
  return {
    did,
    controller,
    keyId,
    keyJwk: privateKeyToJwk(key.type, key.privateKey),
    publicKeyMultibase: publicKeyToMultibase(key.type, key.publicKey),
    recoveryKeyJwk: privateKeyToJwk(recoveryKey.type, recoveryKey.privateKey),
    status: 'prepared',
    created: now.toISOString(),
    updated: now.toISOString(),
  };
}

/** The key pair of a private JWK. */
export function keyPairOf(jwk: Jwk): KeyPair {
  const { type, privateKey } = privateKeyFromJwk(jwk);
  return { type, privateKey, publicKey: getKeyType(type).publicFromPrivate(privateKey) };
}

function parseContents(plaintext: string, path: string): DeviceFileContents {
  let value: Partial<DeviceFileContents>;
  try {
    value = JSON.parse(plaintext) as Partial<DeviceFileContents>;
  } catch {
    throw new DdiError(ErrorCode.Corrupt, `${path}: decrypted contents are not JSON`);
  }
  if (value?.format !== 'ddi-device-file' || value.version !== 1 || !Array.isArray(value.devices)) {
    throw new DdiError(ErrorCode.Corrupt, `${path}: not a version 1 ddi device file`);
  }
  return value as DeviceFileContents;
}
