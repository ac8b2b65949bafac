import type { DeviceRecord } from '../../../ledger/registries/device-registry.ts';
import type { Transport } from '../transport.ts';

/** A device as `controller` registered it (active or decommissioned); `notFound` otherwise. */
export function getDevice(
  transport: Transport,
  controller: string,
  device: string,
): Promise<DeviceRecord> {
  return transport.getDevice(controller, device);
}
