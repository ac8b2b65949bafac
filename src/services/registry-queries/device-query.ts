import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import type { DeviceRecord } from '../../ledger/registries/device-registry.ts';
import {
  deviceKeyPrefix,
  deviceStateKey,
  readDevice,
} from '../../ledger/registries/device-registry.ts';
import { didInput, integerInput } from './query-input.ts';

/** Largest page of a device listing. */
export const MAX_DEVICE_PAGE = 1000;

/** One page of an organization's devices, in DID order; `next` continues after the last. */
export interface DevicePage {
  controller: string;
  devices: DeviceRecord[];
  next?: string;
}

/** A device as `controller` registered it; `notFound` if it did not. */
export function deviceOf(ledger: Ledger, controller: string, device: string): DeviceRecord {
  const c = didInput(controller, 'controller');
  const d = didInput(device, 'device');
  const record = readDevice(ledger.state, c, d);
  if (!record) throw new DdiError(ErrorCode.NotFound, `${d} is not a registered device of ${c}`);
  return record;
}

/** The devices `controller` registered, a page at a time. */
export function devicesOf(
  ledger: Ledger,
  controller: string,
  options: { after?: string; limit?: string | number } = {},
): DevicePage {
  const c = didInput(controller, 'controller');
  const after = options.after === undefined ? undefined : didInput(options.after, 'after');
  const limit =
    options.limit === undefined ? MAX_DEVICE_PAGE : integerInput(options.limit, 'limit', 1);
  if (limit > MAX_DEVICE_PAGE) {
    throw new DdiError(ErrorCode.Malformed, `limit is at most ${MAX_DEVICE_PAGE}`, {
      field: 'limit',
    });
  }
  const rows = ledger.store.stateWithPrefix(
    deviceKeyPrefix(c),
    after === undefined ? undefined : deviceStateKey(c, after),
    limit + 1,
  );
  const devices = rows.slice(0, limit).map((row) => JSON.parse(row.value) as DeviceRecord);
  const last = devices[devices.length - 1];
  return rows.length > limit && last
    ? { controller: c, devices, next: last.device }
    : { controller: c, devices };
}
