import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DdiError } from '../../src/core/errors.ts';
import type { ErrorCode } from '../../src/core/errors.ts';
import { generateKeyPair, publicKeyToMultibase } from '../../src/core/keys/index.ts';
import type { KeyTypeName } from '../../src/core/keys/index.ts';
import {
  addService,
  createClient,
  createDid,
  deactivateDid,
  didSigner,
  documentContent,
  getBlock,
  getNodeStatus,
  getTransactionStatus,
  httpTransport,
  inProcessTransport,
  recoverDid,
  removeService,
  resolveDid,
  rotateKey,
  setControllers,
  updateDid,
  withService,
} from '../../src/clients/sdk/index.ts';
import type { Transport } from '../../src/clients/sdk/index.ts';
import { startTestNode } from './node-fixture.ts';

let node: Awaited<ReturnType<typeof startTestNode>>;
let local: Transport;
let http: Transport;

beforeAll(async () => {
  node = await startTestNode();
  local = inProcessTransport(node.running.node);
  http = httpTransport(node.running.url);
});
afterAll(async () => {
  await node?.close();
});

/** Resolves with the DdiError code a promise rejects with. */
async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    if (err instanceof DdiError) return err.code;
    throw err;
  }
}

async function newDid(transport: Transport, type: KeyTypeName = 'ed25519', controller?: string[]) {
  const signingKey = generateKeyPair(type);
  const recoveryKey = generateKeyPair(type);
  const result = await createDid(transport, { signingKey, recoveryKey, controller });
  return { ...result, signingKey, recoveryKey, signer: didSigner(result.did, 'key-1', signingKey) };
}

describe('SDK over the in-process transport', () => {
  it.each(['ed25519', 'p256', 'secp256k1', 'sm2'] as const)('creates a %s DID', async (type) => {
    const signingKey = generateKeyPair(type);
    const recoveryKey = generateKeyPair(type);
    const created = await createDid(local, { signingKey, recoveryKey });
    expect(created.did).toMatch(/^did:ddi:[1-9A-HJ-NP-Za-km-z]{43,44}$/);
    expect(created.status.status).toBe('committed');
    expect(created.versionId).toBe('1');
    const multikey = publicKeyToMultibase(type, signingKey.publicKey);
    expect(created.document.verificationMethod).toEqual([
      {
        id: `${created.did}#key-1`,
        type: 'Multikey',
        controller: created.did,
        publicKeyMultibase: multikey,
      },
    ]);
    expect(created.document.capabilityInvocation).toEqual([`${created.did}#key-1`]);

    const resolved = await resolveDid(local, created.did);
    expect(resolved.didDocument).toEqual(created.document);
    expect(resolved.didDocumentMetadata.versionId).toBe('1');
    // The recovery key is committed to, never published.
    const recoveryMultikey = publicKeyToMultibase(type, recoveryKey.publicKey);
    expect(JSON.stringify(resolved)).not.toContain(recoveryMultikey);
    expect(JSON.stringify(created.transaction)).not.toContain(recoveryMultikey);
  });

  it('adds and removes a service', async () => {
    const a = await newDid(local);
    const service = { id: 'hub', type: 'LinkedDomains', serviceEndpoint: 'https://example.org/' };
    const added = await addService(local, { did: a.did, signer: a.signer, service });
    expect(added.versionId).toBe('2');
    expect((await resolveDid(local, a.did)).didDocument?.service).toEqual([
      { ...service, id: `${a.did}#hub` },
    ]);
    const removed = await removeService(local, { did: a.did, signer: a.signer, serviceId: 'hub' });
    expect(removed.versionId).toBe('3');
    const now = await resolveDid(local, a.did);
    expect(now.didDocument?.service).toBeUndefined();
    // History stays resolvable.
    const v2 = await resolveDid(local, a.did, { versionId: '2' });
    expect(v2.didDocument?.service).toHaveLength(1);
    expect(v2.didDocumentMetadata.nextVersionId).toBe('3');
    expect(
      await codeOf(removeService(local, { did: a.did, signer: a.signer, serviceId: 'hub' })),
    ).toBe('notFound');
  });

  it('rotates a key; the removed key can no longer sign', async () => {
    const a = await newDid(local, 'p256');
    const newKey = generateKeyPair('secp256k1');
    const rotated = await rotateKey(local, { did: a.did, signer: a.signer, newKey });
    expect(rotated.keyId).toBe('key-2');
    expect(rotated.replacedKeyId).toBe('key-1');
    const doc = (await resolveDid(local, a.did)).didDocument!;
    expect(doc.verificationMethod?.map((vm) => vm.id)).toEqual([`${a.did}#key-2`]);
    for (const rel of ['authentication', 'assertionMethod', 'capabilityInvocation'] as const) {
      expect(doc[rel]).toEqual([`${a.did}#key-2`]);
    }
    const service = { id: 'x', type: 'T', serviceEndpoint: 'https://x.example/' };
    expect(await codeOf(addService(local, { did: a.did, signer: a.signer, service }))).toBe(
      'unknownKey',
    );
    // The new key signs.
    const signer = didSigner(a.did, 'key-2', newKey);
    expect((await addService(local, { did: a.did, signer, service })).versionId).toBe('3');
  });

  it('lets a controller DID update a device DID', async () => {
    const org = await newDid(local, 'sm2');
    const device = await newDid(local, 'ed25519', [org.did]);
    expect(device.document.controller).toEqual([org.did]);
    const service = {
      id: 'telemetry',
      type: 'DeviceTelemetry',
      serviceEndpoint: 'https://iot.example/d1',
    };
    const updated = await addService(local, { did: device.did, signer: org.signer, service });
    expect(updated.status.status).toBe('committed');
    // A DID that is not a controller cannot.
    const stranger = await newDid(local);
    expect(
      await codeOf(addService(local, { did: device.did, signer: stranger.signer, service })),
    ).toBe('unauthorized');
    // The controller rotates the device's key (e.g. after replacing its secure element).
    const newKey = generateKeyPair('ed25519');
    const rotated = await rotateKey(local, {
      did: device.did,
      signer: org.signer,
      newKey,
      replaceKeyId: 'key-1',
    });
    expect(rotated.document.capabilityInvocation).toEqual([`${device.did}#key-2`]);
    // Removing the controller takes its power away.
    await setControllers(local, {
      did: device.did,
      signer: didSigner(device.did, 'key-2', newKey),
      controllers: [],
    });
    expect((await resolveDid(local, device.did)).didDocument?.controller).toBeUndefined();
    expect(
      await codeOf(
        removeService(local, { did: device.did, signer: org.signer, serviceId: 'telemetry' }),
      ),
    ).toBe('unauthorized');
    // A controller can deactivate; the device's own key cannot.
    await setControllers(local, {
      did: device.did,
      signer: didSigner(device.did, 'key-2', newKey),
      controllers: [org.did],
    });
    expect(
      await codeOf(
        deactivateDid(local, { did: device.did, signer: didSigner(device.did, 'key-2', newKey) }),
      ),
    ).toBe('unauthorized');
    const gone = await deactivateDid(local, { did: device.did, signer: org.signer });
    expect(gone.document.verificationMethod).toBeUndefined();
  });

  it('recovers a DID whose signing key was lost', async () => {
    const a = await newDid(local, 'sm2');
    const service = { id: 'hub', type: 'LinkedDomains', serviceEndpoint: 'https://example.org/' };
    await addService(local, { did: a.did, signer: a.signer, service });
    // Only the recovery key is used from here on: the signing key is "lost".
    const signingKey = generateKeyPair('ed25519');
    const nextRecoveryKey = generateKeyPair('ed25519');
    const recovered = await recoverDid(local, {
      did: a.did,
      recoveryKey: a.recoveryKey,
      nextRecoveryKey,
      signingKey,
    });
    expect(recovered.versionId).toBe('3');
    expect(recovered.keyId).toBe('key-2');
    const doc = (await resolveDid(local, a.did)).didDocument!;
    expect(doc.verificationMethod?.map((vm) => vm.publicKeyMultibase)).toEqual([
      publicKeyToMultibase('ed25519', signingKey.publicKey),
    ]);
    expect(doc.service).toHaveLength(1);
    // The old signing key is dead, the new one works, and the spent recovery key is refused.
    expect(
      await codeOf(removeService(local, { did: a.did, signer: a.signer, serviceId: 'hub' })),
    ).toBe('unknownKey');
    await removeService(local, {
      did: a.did,
      signer: didSigner(a.did, 'key-2', signingKey),
      serviceId: 'hub',
    });
    expect(
      await codeOf(
        recoverDid(local, {
          did: a.did,
          recoveryKey: a.recoveryKey,
          nextRecoveryKey: generateKeyPair('p256'),
          signingKey,
        }),
      ),
    ).toBe('unauthorized');
    // The next recovery key is the one that works now.
    const again = await recoverDid(local, {
      did: a.did,
      recoveryKey: nextRecoveryKey,
      nextRecoveryKey: generateKeyPair('p256'),
      signingKey: generateKeyPair('p256'),
    });
    expect(again.keyId).toBe('key-3');
  });

  it('deactivates with the recovery key; nothing changes it afterwards', async () => {
    const a = await newDid(local, 'secp256k1');
    // The DID's own key cannot deactivate it.
    expect(await codeOf(deactivateDid(local, { did: a.did, signer: a.signer }))).toBe(
      'unauthorized',
    );
    const gone = await deactivateDid(local, { did: a.did, recoveryKey: a.recoveryKey });
    expect(gone.versionId).toBe('2');
    const resolved = await resolveDid(local, a.did);
    expect(resolved.didDocumentMetadata.deactivated).toBe(true);
    expect(resolved.didDocument?.verificationMethod).toBeUndefined();

    const service = { id: 'x', type: 'T', serviceEndpoint: 'https://x.example/' };
    // Resolving first, the SDK refuses; naming the version, the ledger refuses.
    expect(await codeOf(addService(local, { did: a.did, signer: a.signer, service }))).toBe(
      'deactivated',
    );
    expect(
      await codeOf(
        updateDid(local, {
          did: a.did,
          signer: a.signer,
          previousVersionId: '2',
          document: documentContent(a.document),
        }),
      ),
    ).toBe('deactivated');
    expect(
      await codeOf(
        recoverDid(local, {
          did: a.did,
          recoveryKey: a.recoveryKey,
          nextRecoveryKey: generateKeyPair('ed25519'),
          previousVersionId: '2',
          document: documentContent(a.document),
        }),
      ),
    ).toBe('deactivated');
  });

  it('rejects an update that names a stale version', async () => {
    const a = await newDid(local);
    await addService(local, {
      did: a.did,
      signer: a.signer,
      service: { id: 's1', type: 'T', serviceEndpoint: 'https://one.example/' },
    });
    // Made from version 1 by a client that missed the change above.
    const err = await updateDid(local, {
      did: a.did,
      signer: a.signer,
      previousVersionId: '1',
      document: withService(documentContent(a.document), {
        id: 's2',
        type: 'T',
        serviceEndpoint: 'https://two.example/',
      }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DdiError);
    expect((err as DdiError).code).toBe('staleVersion');
    expect((err as DdiError).details).toEqual({ currentVersionId: '2' });
  });

  it('rejects a replay of the same transaction', async () => {
    const a = await newDid(local);
    const updated = await addService(local, {
      did: a.did,
      signer: a.signer,
      service: { id: 's1', type: 'T', serviceEndpoint: 'https://one.example/' },
    });
    expect(await codeOf(local.submit(updated.transaction, { wait: true }))).toBe('replay');
    expect(await codeOf(local.submit(a.transaction))).toBe('replay');
    const status = await getTransactionStatus(local, updated.txId);
    expect(status).toMatchObject({ id: updated.txId, status: 'committed' });
  });

  it('reads blocks, transaction status and node status', async () => {
    const a = await newDid(local);
    const status = await getNodeStatus(local);
    const head = await getBlock(local, 'latest');
    expect(head.header.height).toBe(status.height);
    expect(head.header.chainId).toBe(status.chainId);
    const tx = await getTransactionStatus(local, a.txId);
    if (tx.status !== 'committed') throw new Error('not committed');
    const block = await getBlock(local, tx.height);
    expect(block.txIds).toContain(a.txId);
    expect(await codeOf(getBlock(local, head.header.height + 100))).toBe('notFound');
    expect(await codeOf(getTransactionStatus(local, 'f'.repeat(64)))).toBe('notFound');
    expect(await codeOf(resolveDid(local, 'did:ddi:nope'))).toBe('invalidDid');
    expect(await codeOf(resolveDid(local, 'did:example:123'))).toBe('methodNotSupported');
  });

  it('returns at once when not waiting', async () => {
    const signingKey = generateKeyPair('ed25519');
    const created = await createDid(local, {
      signingKey,
      recoveryKey: generateKeyPair('ed25519'),
      wait: false,
    });
    expect(created.status.status).toBe('pending');
    await node.running.node.waitFor(created.txId);
    expect((await getTransactionStatus(local, created.txId)).status).toBe('committed');
  });
});

describe('SDK over HTTP', () => {
  it('runs the same actions and maps error bodies to DdiError codes', async () => {
    const client = createClient(http);
    const a = await newDid(http, 'sm2');
    const resolvedLocally = await resolveDid(local, a.did);
    expect(await client.resolveDid(a.did)).toEqual(resolvedLocally);

    const newKey = generateKeyPair('sm2');
    const rotated = await client.rotateKey({ did: a.did, signer: a.signer, newKey });
    expect(rotated.versionId).toBe('2');
    const v1 = await client.resolveDid(a.did, { versionId: '1' });
    expect(v1.didDocument?.verificationMethod?.[0]?.id).toBe(`${a.did}#key-1`);
    const byTime = await client.resolveDid(a.did, { versionTime: new Date().toISOString() });
    expect(byTime.didDocumentMetadata.versionId).toBe('2');

    const service = { id: 'x', type: 'T', serviceEndpoint: 'https://x.example/' };
    expect(await codeOf(client.addService({ did: a.did, signer: a.signer, service }))).toBe(
      'unknownKey',
    );
    const stale = client.updateDid({
      did: a.did,
      signer: didSigner(a.did, 'key-2', newKey),
      previousVersionId: '1',
      document: (current) => withService(current, service),
    });
    expect(await codeOf(stale)).toBe('staleVersion');
    expect(await codeOf(http.submit(rotated.transaction, { wait: true }))).toBe('replay');
    expect(
      await codeOf(client.resolveDid('did:ddi:11111111111111111111111111111111111111111111')),
    ).toBe('notFound');
    expect(await codeOf(client.getTransactionStatus('0'.repeat(64)))).toBe('notFound');

    await client.deactivateDid({ did: a.did, recoveryKey: a.recoveryKey });
    // 410 Gone still carries the resolution result.
    const gone = await client.resolveDid(a.did);
    expect(gone.didDocumentMetadata.deactivated).toBe(true);
    expect(await codeOf(client.addService({ did: a.did, signer: a.signer, service }))).toBe(
      'deactivated',
    );

    const head = await client.getBlock('latest');
    expect(head).toEqual(await getBlock(local, 'latest'));
    expect((await client.getNodeStatus()).chainId).toBe(head.header.chainId);
  });

  it('reports an unreachable node as unavailable', async () => {
    const dead = httpTransport('http://127.0.0.1:9', { timeoutMs: 5_000 });
    expect(await codeOf(getNodeStatus(dead))).toBe('unavailable');
  });
});
