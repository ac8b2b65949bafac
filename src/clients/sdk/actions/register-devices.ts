import { generateKeyPair } from '../../../core/keys/index.ts';
import type { KeyPair, KeyTypeName } from '../../../core/keys/key-type.ts';
import { MAX_DEVICES_PER_REGISTRATION } from '../../../ledger/registries/device-registry.ts';
import type { Transaction } from '../../../ledger/transaction.ts';
import { signTransaction } from '../../../ledger/transaction.ts';
import { getChainId } from './get-chain-id.ts';
import { prepareCreateDid } from './create-did.ts';
import { submitBatch } from './submit-batch.ts';
import type { Transport } from '../transport.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { signerParts, toTransactionSigner } from '../utils/did-signer.ts';

/** A device DID made for an organization, with its keys and its signed create. */
export interface PreparedDevice {
  did: string;
  /** Fragment of the device's key ("key-1"): it authenticates the device. */
  keyId: string;
  signingKey: KeyPair;
  recoveryKey: KeyPair;
  /** did.create signed by the device's own key (proof of possession), controller = the organization. */
  createTx: Transaction;
}

export interface PrepareDevicesParameters {
  /** The organization DID that controls the devices. */
  controller: string;
  count: number;
  /** Type of the devices' keys (default ed25519). */
  keyType?: KeyTypeName;
}

/** New device keys and their signed creates, nothing submitted: save the keys first. */
export async function prepareDevices(
  transport: Transport,
  parameters: PrepareDevicesParameters,
): Promise<PreparedDevice[]> {
  const chainId = await getChainId(transport);
  const type = parameters.keyType ?? 'ed25519';
  const devices: PreparedDevice[] = [];
  for (let i = 0; i < parameters.count; i++) {
    const signingKey = generateKeyPair(type);
    const recoveryKey = generateKeyPair(type);
    const { did, operation, signer } = prepareCreateDid({
      signingKey,
      recoveryKey,
      keyId: 'key-1',
      controller: [parameters.controller],
    });
    const createTx = signTransaction({ chainId, type: 'did.create', payload: { ...operation } }, [
      toTransactionSigner(signer),
    ]);
    devices.push({ did, keyId: 'key-1', signingKey, recoveryKey, createTx });
  }
  return devices;
}

export interface RegisterDevicesParameters {
  /** A capabilityInvocation key of the organization (the devices' controller). */
  signer: DidSigner;
  devices: PreparedDevice[];
  timeoutMs?: number;
  onProgress?: (phase: 'created' | 'registered', done: number, total: number) => void;
}

/** Why a device did not end up registered. */
export interface DeviceFailure {
  did: string;
  phase: 'create' | 'register';
  code: string;
  message: string;
}

export interface RegisterDevicesResult {
  controller: string;
  registered: string[];
  failed: DeviceFailure[];
}

/**
 * Puts prepared devices on the ledger in two batched steps: the devices' own did.creates
 * (2,000 per request), then the organization's device.register transactions (1,000 DIDs
 * each, all in one request). A device whose create fails is left out of the registration.
 */
export async function registerDevices(
  transport: Transport,
  parameters: RegisterDevicesParameters,
): Promise<RegisterDevicesResult> {
  const controller = signerParts(parameters.signer).did;
  const chainId = await getChainId(transport);
  const failed: DeviceFailure[] = [];
  const createResults = await submitBatch(transport, {
    transactions: parameters.devices.map((d) => d.createTx),
    timeoutMs: parameters.timeoutMs,
    onProgress: (done, total) => parameters.onProgress?.('created', done, total),
  });
  const created: string[] = [];
  createResults.forEach((result, i) => {
    const did = parameters.devices[i]!.did;
    if (result.status === 'committed') created.push(did);
    else failed.push(failureOf(did, 'create', result));
  });

  const groups: string[][] = [];
  for (let i = 0; i < created.length; i += MAX_DEVICES_PER_REGISTRATION) {
    groups.push(created.slice(i, i + MAX_DEVICES_PER_REGISTRATION));
  }
  const registerTxs = groups.map((devices) =>
    signTransaction({ chainId, type: 'device.register', payload: { controller, devices } }, [
      toTransactionSigner(parameters.signer),
    ]),
  );
  const registerResults = await submitBatch(transport, {
    transactions: registerTxs,
    timeoutMs: parameters.timeoutMs,
  });
  const registered: string[] = [];
  registerResults.forEach((result, i) => {
    const group = groups[i]!;
    if (result.status === 'committed') registered.push(...group);
    // A registration is all or nothing: every device of a refused one failed with it.
    else for (const did of group) failed.push(failureOf(did, 'register', result));
    parameters.onProgress?.('registered', registered.length, created.length);
  });
  return { controller, registered, failed };
}

function failureOf(
  did: string,
  phase: DeviceFailure['phase'],
  result: { status: string; code?: string; message?: string },
): DeviceFailure {
  return {
    did,
    phase,
    code: result.code ?? result.status,
    message: result.message ?? `not committed (${result.status})`,
  };
}
