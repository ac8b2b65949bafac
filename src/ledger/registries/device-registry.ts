import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { parseDdiDid } from '../../core/did/index.ts';
import type { StateReader } from '../state/world-state.ts';
import type { TxHandler } from './tx-context.ts';
import { authorizeDidSigner, optionalReason, payloadFields, singleProof } from './authorization.ts';
import { readDidRecord } from './did-state.ts';

/**
 * The device registry: an organization's signed statement "this device DID is mine". A
 * device DID names its organization as `controller` in its own document, but anyone can
 * write any controller into a document they create; only the organization's signature here
 * makes the relation two-sided, so a service can trust "device of organization X".
 */
export interface DeviceRecord {
  device: string;
  controller: string;
  status: 'active' | 'decommissioned';
  /** Block time (ms) and transaction of the registration. */
  registered: number;
  registeredTx: string;
  decommissioned?: { time: number; height: number; txId: string; reason?: string };
}

/** Most devices one `device.register` lists: 1,000 DIDs keep it under the 64 KiB limit. */
export const MAX_DEVICES_PER_REGISTRATION = 1000;

const PREFIX = 'device/';

/** State key of a device record: grouped by controller so that its devices list in order. */
export function deviceStateKey(controller: string, device: string): string {
  return `${PREFIX}${controller}/${device}`;
}

/** The state-key prefix under which all devices of `controller` lie. */
export function deviceKeyPrefix(controller: string): string {
  return `${PREFIX}${controller}/`;
}

/** A device as `controller` registered it, or undefined. */
export function readDevice(
  state: StateReader,
  controller: string,
  device: string,
): DeviceRecord | undefined {
  const raw = state.get(deviceStateKey(controller, device));
  return raw === undefined ? undefined : (JSON.parse(raw) as DeviceRecord);
}

/**
 * The payload's `controller`, which must be the signer. It is in the body (which the
 * transaction id hashes) so that two organizations' otherwise identical transactions differ.
 */
function authorizeController(ctx: Parameters<TxHandler>[0], value: unknown): string {
  ensure(typeof value === 'string', ErrorCode.Malformed, 'controller must be a DID');
  const controller = parseDdiDid(value);
  const signer = authorizeDidSigner(ctx, singleProof(ctx));
  ensure(
    signer === controller,
    ErrorCode.Unauthorized,
    `signed by ${signer}, not by the controller ${controller}`,
  );
  return controller;
}

/**
 * device.register: the signer (an active DID, typically an organization's primary DID)
 * registers devices it controls. All or nothing: one unfit entry refuses the whole transaction.
 */
const register: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['controller', 'devices']);
  ensure(
    Array.isArray(p.devices) &&
      p.devices.length > 0 &&
      p.devices.length <= MAX_DEVICES_PER_REGISTRATION,
    ErrorCode.Malformed,
    `devices must be an array of 1..${MAX_DEVICES_PER_REGISTRATION} DIDs`,
  );
  const controller = authorizeController(ctx, p.controller);
  const seen = new Set<string>();
  for (const [index, value] of (p.devices as unknown[]).entries()) {
    const at = { index };
    ensure(typeof value === 'string', ErrorCode.Malformed, `devices[${index}] must be a DID`, at);
    const device = parseDdiDid(value);
    ensure(!seen.has(device), ErrorCode.Malformed, `${device} is listed twice`, at);
    seen.add(device);
    ensure(device !== controller, ErrorCode.Malformed, 'a DID cannot be its own device', at);
    const record = readDidRecord(ctx.state, device);
    if (!record) throw new DdiError(ErrorCode.NotFound, `device ${device} does not exist`, at);
    if (record.deactivated || !record.content)
      throw new DdiError(ErrorCode.Deactivated, `device ${device} is deactivated`, at);
    ensure(
      record.content.controller?.includes(controller),
      ErrorCode.Unauthorized,
      `${device} does not name ${controller} as its controller`,
      at,
    );
    if (readDevice(ctx.state, controller, device))
      throw new DdiError(ErrorCode.Conflict, `${device} is already registered`, at);
    const entry: DeviceRecord = {
      device,
      controller,
      status: 'active',
      registered: ctx.time,
      registeredTx: ctx.txId,
    };
    ctx.state.set(deviceStateKey(controller, device), JSON.stringify(entry));
  }
};

/** device.decommission: the controller retires a device for good; authentication refuses it. */
const decommission: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['controller', 'device', 'reason']);
  ensure(typeof p.device === 'string', ErrorCode.Malformed, 'device must be a DID');
  const device = parseDdiDid(p.device);
  const reason = optionalReason(p.reason);
  const controller = authorizeController(ctx, p.controller);
  const record = readDevice(ctx.state, controller, device);
  if (!record) throw new DdiError(ErrorCode.NotFound, `${device} is not a device of ${controller}`);
  if (record.status === 'decommissioned')
    throw new DdiError(ErrorCode.Deactivated, `${device} is already decommissioned`);
  const decommissioned = {
    time: ctx.time,
    height: ctx.height,
    txId: ctx.txId,
    ...(reason ? { reason } : {}),
  };
  ctx.state.set(
    deviceStateKey(controller, device),
    JSON.stringify({ ...record, status: 'decommissioned', decommissioned }),
  );
};

/** The device registry's transaction handlers, by transaction type. */
export const deviceRegistryHandlers: Record<string, TxHandler> = {
  'device.register': register,
  'device.decommission': decommission,
};
