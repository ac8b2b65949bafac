import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDevice } from '../../src/ledger/registries/device-registry.ts';
import { readDidRecord } from '../../src/ledger/registries/did-state.ts';
import { devicesOf } from '../../src/services/registry-queries/device-query.ts';
import { makeDid, openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';
import { ledgerActions } from '../helpers/ledger-actions.ts';

let t: TestNode;
const { by, commit, rejected, newDid } = ledgerActions(() => t);
let org: TestDid;
let otherOrg: TestDid;

/** A device DID naming `controllers`, committed. */
async function newDevice(...controllers: TestDid[]): Promise<TestDid> {
  const d = makeDid(t.chainId, 'ed25519', { controller: controllers.map((c) => c.did) });
  await commit(d.createTx);
  return d;
}

beforeAll(async () => {
  t = await openTestNode();
  org = await newDid('ed25519');
  otherOrg = await newDid('ed25519');
});
afterAll(() => t.close());

describe('device.register', () => {
  it('registers devices that name the signer as controller, and lists them in DID order', async () => {
    const devices = [await newDevice(org), await newDevice(org), await newDevice(org)];
    const { time, id } = await commit(
      by(org, 'device.register', { controller: org.did, devices: devices.map((d) => d.did) }),
    );
    for (const d of devices) {
      expect(readDevice(t.ledger.state, org.did, d.did)).toEqual({
        device: d.did,
        controller: org.did,
        status: 'active',
        registered: time,
        registeredTx: id,
      });
    }
    const page = devicesOf(t.ledger, org.did, { limit: 2 });
    expect(page.devices.map((d) => d.device)).toEqual(
      devices
        .map((d) => d.did)
        .sort()
        .slice(0, 2),
    );
    const rest = devicesOf(t.ledger, org.did, { after: page.next });
    expect(rest.devices.map((d) => d.device)).toEqual(
      devices
        .map((d) => d.did)
        .sort()
        .slice(2),
    );
    expect(rest.next).toBeUndefined();
    // Another organization's listing holds none of them.
    expect(devicesOf(t.ledger, otherOrg.did).devices).toEqual([]);
  });

  it('is all or nothing: one unfit entry refuses the whole transaction', async () => {
    const good = await newDevice(org);
    const stranger = await newDevice(otherOrg); // names otherOrg, not org
    const err = await rejected(
      by(org, 'device.register', { controller: org.did, devices: [good.did, stranger.did] }),
      'unauthorized',
    );
    expect(err.details).toEqual({ index: 1 });
    expect(readDevice(t.ledger.state, org.did, good.did)).toBeUndefined();

    const missing = makeDid(t.chainId); // never created
    await rejected(
      by(org, 'device.register', { controller: org.did, devices: [good.did, missing.did] }),
      'notFound',
    );
    await rejected(
      by(org, 'device.register', { controller: org.did, devices: [good.did, good.did] }),
      'malformed',
    );
    await rejected(
      by(org, 'device.register', { controller: org.did, devices: [good.did, 'did:ddi:nope'] }),
      'invalidDid',
    );
    await rejected(by(org, 'device.register', { controller: org.did, devices: [] }), 'malformed');
    await rejected(
      by(org, 'device.register', { controller: org.did, devices: [good.did], extra: 1 }),
      'malformed',
    );
    expect(readDevice(t.ledger.state, org.did, good.did)).toBeUndefined();
  });

  it('refuses a registration by anyone but the named controller, a forged one, and a second one', async () => {
    const d = await newDevice(org);
    // otherOrg signs for a device that does not name it.
    await rejected(
      by(otherOrg, 'device.register', { controller: otherOrg.did, devices: [d.did] }),
      'unauthorized',
    );
    // otherOrg's key signing a registration in org's name.
    await rejected(
      by(otherOrg, 'device.register', { controller: org.did, devices: [d.did] }),
      'unauthorized',
    );
    // The device's own key cannot register itself as a device of org.
    await rejected(by(d, 'device.register', { controller: d.did, devices: [d.did] }), 'malformed');
    // A signature by a key that is not org's.
    await rejected(
      by(org, 'device.register', { controller: org.did, devices: [d.did] }, otherOrg.signing),
      'badSignature',
    );
    await commit(by(org, 'device.register', { controller: org.did, devices: [d.did] }));
    await rejected(by(org, 'device.register', { controller: org.did, devices: [d.did] }), 'replay');
    const again = await rejected(
      by(org, 'device.register', {
        controller: org.did,
        devices: [d.did, (await newDevice(org)).did],
      }),
      'conflict',
    );
    expect(again.details).toEqual({ index: 0 });
  });

  it('lets two controllers a device names each register it', async () => {
    const shared = await newDevice(org, otherOrg);
    await commit(by(org, 'device.register', { controller: org.did, devices: [shared.did] }));
    await commit(
      by(otherOrg, 'device.register', { controller: otherOrg.did, devices: [shared.did] }),
    );
    expect(readDevice(t.ledger.state, otherOrg.did, shared.did)?.status).toBe('active');
  });
});

describe('device.decommission', () => {
  it('retires a device for good, by its controller only', async () => {
    const d = await newDevice(org);
    await commit(by(org, 'device.register', { controller: org.did, devices: [d.did] }));
    await rejected(
      by(otherOrg, 'device.decommission', { controller: otherOrg.did, device: d.did }),
      'notFound',
    );
    await rejected(
      by(org, 'device.decommission', { controller: org.did, device: d.did, reason: '' }),
      'malformed',
    );
    const { time, id, height } = await commit(
      by(org, 'device.decommission', { controller: org.did, device: d.did, reason: 'scrapped' }),
    );
    expect(readDevice(t.ledger.state, org.did, d.did)).toMatchObject({
      status: 'decommissioned',
      decommissioned: { time, txId: id, height, reason: 'scrapped' },
    });
    await rejected(
      by(org, 'device.decommission', { controller: org.did, device: d.did }),
      'deactivated',
    );
    // The DID itself is untouched: deactivating it is a separate did.deactivate.
    expect(readDidRecord(t.ledger.state, d.did)?.deactivated).toBe(false);
  });
});
