import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import {
  applicationStanding,
  readApplication,
} from '../../src/ledger/registries/application-registry.ts';
import { readAccreditation } from '../../src/ledger/registries/trust-registry.ts';
import { signTransaction } from '../../src/ledger/transaction.ts';
import type { Transaction } from '../../src/ledger/transaction.ts';
import { ledgerActions } from '../helpers/ledger-actions.ts';
import { governanceTx, openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

let t: TestNode;
const { by, commit, rejected, newDid } = ledgerActions(() => t);
const gov = (type: string, payload: object, signers?: number[]): Transaction =>
  governanceTx(t, type, payload, signers);
const nonce = () => randomBytes(12).toString('base64url');
const YEAR = 365 * 24 * 3600 * 1000;
const CALLBACK = 'https://shop.example/callback';

beforeAll(async () => {
  t = await openTestNode();
});
afterAll(async () => {
  await t.close();
});

const standing = (did: string) => applicationStanding(t.ledger.state, did, Date.now());

describe('application service providers', () => {
  let app: TestDid;

  it('an application registers its own DID with a name and redirect URIs', async () => {
    app = await newDid('ed25519');
    await commit(by(app, 'app.register', { name: 'Example Shop', redirectUris: [CALLBACK] }));
    expect(readApplication(t.ledger.state, app.did)).toMatchObject({
      did: app.did,
      name: 'Example Shop',
      redirectUris: [CALLBACK],
      status: 'active',
      accreditationRequired: false,
      version: 1,
    });
    expect(standing(app.did)).toMatchObject({ mayAuthenticate: true });
    // Once: the DID is the application's identity.
    await rejected(
      by(app, 'app.register', { name: 'Again', redirectUris: [CALLBACK] }),
      'conflict',
    );
  });

  it('refuses bad names and redirect URIs, and keys that are not the DID’s', async () => {
    const other = await newDid('ed25519');
    const bad: Array<[object, string]> = [
      [{ name: '', redirectUris: [CALLBACK] }, 'malformed'],
      [{ name: 'x'.repeat(101), redirectUris: [CALLBACK] }, 'malformed'],
      [{ name: 'Bell\u0007', redirectUris: [CALLBACK] }, 'malformed'],
      [{ name: 'Shop', redirectUris: [] }, 'malformed'],
      [{ name: 'Shop', redirectUris: ['http://shop.example/cb'] }, 'malformed'],
      [{ name: 'Shop', redirectUris: ['https://shop.example/cb#frag'] }, 'malformed'],
      [{ name: 'Shop', redirectUris: ['/relative'] }, 'malformed'],
      [{ name: 'Shop', redirectUris: [CALLBACK, CALLBACK] }, 'malformed'],
      [{ name: 'Shop', redirectUris: [CALLBACK], extra: 1 }, 'malformed'],
    ];
    for (const [payload, code] of bad) await rejected(by(other, 'app.register', payload), code);
    // http is fine on a loopback host (a developer's machine).
    await commit(
      by(other, 'app.register', { name: 'Dev', redirectUris: ['http://127.0.0.1:3000/cb'] }),
    );
    // Signed with a key that is not the DID's: the signature does not verify.
    const stranger = await newDid('ed25519');
    await rejected(
      by(stranger, 'app.register', { name: 'Forged', redirectUris: [CALLBACK] }, other.signing),
      'badSignature',
    );
  });

  it('the application updates itself; nobody else can', async () => {
    const intruder = await newDid('ed25519');
    await rejected(
      by(intruder, 'app.update', { name: 'Hijacked', previousVersion: 1 }),
      'notFound',
    );
    // A forged proof in the application's name.
    const forged = signTransaction(
      { chainId: t.chainId, type: 'app.update', payload: { name: 'Hijacked', previousVersion: 1 } },
      [
        {
          kid: `${app.did}#key-1`,
          type: intruder.signing.type,
          privateKey: intruder.signing.privateKey,
        },
      ],
    );
    await rejected(forged, 'badSignature');
    await rejected(by(app, 'app.update', { name: 'Shop 2', previousVersion: 7 }), 'staleVersion');
    await rejected(by(app, 'app.update', { previousVersion: 1 }), 'malformed');
    await commit(
      by(app, 'app.update', {
        redirectUris: [CALLBACK, 'https://shop.example/cb2'],
        previousVersion: 1,
      }),
    );
    expect(readApplication(t.ledger.state, app.did)).toMatchObject({
      name: 'Example Shop',
      redirectUris: [CALLBACK, 'https://shop.example/cb2'],
      version: 2,
    });
  });

  it('the regulator (M-of-N) suspends and reinstates; the application cannot', async () => {
    await rejected(
      by(app, 'app.setStatus', { did: app.did, status: 'active', previousVersion: 2 }),
      'unknownKey',
    );
    await rejected(
      gov('app.setStatus', { did: app.did, status: 'suspended', previousVersion: 2 }, [0]),
      'unauthorized',
    );
    const ghost = await newDid('ed25519');
    await rejected(
      gov('app.setStatus', { did: ghost.did, status: 'suspended', previousVersion: 1 }),
      'notFound',
    );
    await commit(
      gov('app.setStatus', {
        did: app.did,
        status: 'suspended',
        previousVersion: 2,
        reason: 'complaint',
      }),
    );
    expect(standing(app.did)).toMatchObject({
      mayAuthenticate: false,
      refusal: 'applicationSuspended',
    });
    await rejected(
      gov('app.setStatus', { did: app.did, status: 'suspended', previousVersion: 3 }),
      'conflict',
    );
    await commit(gov('app.setStatus', { did: app.did, status: 'active', previousVersion: 3 }));
    expect(standing(app.did)?.mayAuthenticate).toBe(true);
    expect(readApplication(t.ledger.state, app.did)?.history.map((h) => h.change)).toEqual([
      'registered',
      'updated',
      'suspended',
      'active',
    ]);
  });

  it('where the regulator requires an accreditation, only an accredited application signs in', async () => {
    await commit(
      gov('app.requireAccreditation', { did: app.did, required: true, previousVersion: 4 }),
    );
    expect(standing(app.did)).toMatchObject({
      mayAuthenticate: false,
      refusal: 'applicationNotAccredited',
      accreditation: { required: true, held: false, reason: 'notAccredited' },
    });
    const granted = await commit(
      gov('trust.accredit', {
        nonce: nonce(),
        subject: app.did,
        role: 'applicationServiceProvider',
        validUntil: Date.now() + YEAR,
      }),
    );
    expect(standing(app.did)).toMatchObject({
      mayAuthenticate: true,
      accreditation: { required: true, held: true },
    });
    // Suspending the accreditation (trust registry) stops the logins again.
    await commit(
      gov('trust.setStatus', {
        accreditation: granted.id,
        status: 'suspended',
        previousVersion: 1,
      }),
    );
    expect(readAccreditation(t.ledger.state, granted.id)?.status).toBe('suspended');
    expect(standing(app.did)).toMatchObject({
      mayAuthenticate: false,
      refusal: 'applicationNotAccredited',
      accreditation: { held: false, reason: 'suspended' },
    });
  });

  it('only the regulator authorizes an application as a login bridge, and withdraws it', async () => {
    const bridge = await newDid('ed25519');
    await commit(by(bridge, 'app.register', { name: 'Bridge', redirectUris: [CALLBACK] }));
    expect(readApplication(t.ledger.state, bridge.did)?.bridge).toBe(false);
    // The application cannot make itself a bridge: governance keys only.
    await rejected(
      by(bridge, 'app.setBridge', { did: bridge.did, bridge: true, previousVersion: 1 }),
      'unknownKey',
    );
    await rejected(
      gov('app.setBridge', { did: bridge.did, bridge: true, previousVersion: 1 }, [0]),
      'unauthorized',
    );
    await rejected(
      gov('app.setBridge', { did: bridge.did, bridge: 'yes', previousVersion: 1 }),
      'malformed',
    );
    await commit(gov('app.setBridge', { did: bridge.did, bridge: true, previousVersion: 1 }));
    expect(readApplication(t.ledger.state, bridge.did)).toMatchObject({ bridge: true, version: 2 });
    await rejected(
      gov('app.setBridge', { did: bridge.did, bridge: true, previousVersion: 2 }),
      'conflict',
    );
    await commit(
      gov('app.setBridge', { did: bridge.did, bridge: false, previousVersion: 2, reason: 'audit' }),
    );
    expect(readApplication(t.ledger.state, bridge.did)?.history.map((h) => h.change)).toEqual([
      'registered',
      'bridgeAuthorized',
      'bridgeRevoked',
    ]);
  });

  it('an unregistered DID has no standing at all', () => {
    expect(standing('did:ddi:zQ3shUnregisteredApplicationDid1111111111111')).toBeUndefined();
  });
});
