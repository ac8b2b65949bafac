import type { DeviceRecord } from '../../../ledger/registries/device-registry.ts';
import type { Transport } from '../transport.ts';

/** Every device `controller` registered, in DID order, read a page (1,000) at a time. */
export async function listDevices(
  transport: Transport,
  controller: string,
): Promise<DeviceRecord[]> {
  const devices: DeviceRecord[] = [];
  let after: string | undefined;
  do {
    const page = await transport.listDevices(controller, after === undefined ? {} : { after });
    devices.push(...page.devices);
    after = page.next;
  } while (after !== undefined);
  return devices;
}
