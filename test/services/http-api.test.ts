import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair, publicKeyToMultibase } from '../../src/core/keys/index.ts';
import { signTransaction } from '../../src/ledger/transaction.ts';
import { RECOVERY_KID } from '../../src/ledger/registries/did-registry.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import { contentFor, makeDid, openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

let t: TestNode;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  t = await openTestNode();
  app = await buildHttpServer(t.node);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await app.close();
  await t.close();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, { headers });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes vary per route
    body: (await res.json()) as Record<string, any>,
  };
}

function update(
  d: TestDid,
  previousVersionId: string,
  document = d.content,
  kid = `${d.did}#key-1`,
  key = d.signing,
) {
  return signTransaction(
    {
      chainId: t.chainId,
      type: 'did.update',
      payload: { did: d.did, previousVersionId, document },
    },
    [{ kid, type: key.type, privateKey: key.privateKey }],
  );
}

describe('transactions over HTTP', () => {
  it('accepts (202) without waiting and commits (200) with wait=true', async () => {
    const a = makeDid(t.chainId);
    const accepted = await post('/v1/transactions', a.createTx);
    expect(accepted.status).toBe(202);
    expect(accepted.body.status).toBe('pending');
    expect(accepted.body.id).toMatch(/^[0-9a-f]{64}$/);
    const b = makeDid(t.chainId, 'sm2');
    const committed = await post('/v1/transactions?wait=true', b.createTx);
    expect(committed.status).toBe(200);
    expect(committed.body).toMatchObject({ status: 'committed' });
    await t.node.waitFor(accepted.body.id as string);
    const status = await get(`/v1/transactions/${accepted.body.id}`);
    expect(status.body).toMatchObject({ status: 'committed', id: accepted.body.id });
    const block = await get(`/v1/blocks/${status.body.height}`);
    expect(block.body.txIds).toContain(accepted.body.id);
    const header = await get('/v1/blocks/latest/header');
    expect(header.body.height).toBeGreaterThanOrEqual(status.body.height);
  });

  it('maps each rejection to its code and HTTP status', async () => {
    const d = makeDid(t.chainId);
    await post('/v1/transactions?wait=true', d.createTx);
    const cases: Array<[string, unknown, number, string]> = [
      ['replay', d.createTx, 409, 'replay'],
      ['stale version', update(d, '7'), 409, 'staleVersion'],
      [
        'wrong signature',
        update(d, '1', d.content, `${d.did}#key-1`, generateKeyPair('ed25519')),
        401,
        'badSignature',
      ],
      ['unknown key', update(d, '1', d.content, `${d.did}#nope`), 401, 'unknownKey'],
      ['missing proofs', { body: d.createTx.body, proofs: [] }, 400, 'malformed'],
      ['unknown field', { ...d.createTx, extra: true }, 400, 'malformed'],
      [
        'unknown type',
        signTransaction({ chainId: t.chainId, type: 'did.explode', payload: {} }, [
          { kid: 'x', type: 'ed25519', privateKey: d.signing.privateKey },
        ]),
        400,
        'malformed',
      ],
      [
        'deactivate by own key',
        signTransaction(
          {
            chainId: t.chainId,
            type: 'did.deactivate',
            payload: { did: d.did, previousVersionId: '1' },
          },
          [{ kid: `${d.did}#key-1`, type: d.signing.type, privateKey: d.signing.privateKey }],
        ),
        403,
        'unauthorized',
      ],
      ['not found', update(makeDid(t.chainId), '1'), 404, 'notFound'],
    ];
    for (const [name, body, status, code] of cases) {
      const before = t.ledger.head().hash;
      const res = await post('/v1/transactions?wait=true', body);
      expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status, code });
      expect(typeof res.body.message).toBe('string');
      expect(t.ledger.head().hash).toBe(before);
    }
  });

  it('refuses bodies that are not JSON, too large, or with bad query parameters', async () => {
    expect((await post('/v1/transactions', '{not json')).body.code).toBe('malformed');
    const big = await post('/v1/transactions', {
      body: { chainId: 'x', type: 'did.create', payload: { pad: 'x'.repeat(300_000) } },
      proofs: [{ kid: 'a', sig: 'b' }],
    });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('tooLarge');
    const badQuery = await post('/v1/transactions?wait=maybe', makeDid(t.chainId).createTx);
    expect(badQuery.status).toBe(400);
    expect((await get('/v1/transactions/xyz')).status).toBe(400);
    expect((await get(`/v1/transactions/${'0'.repeat(64)}`)).body.code).toBe('notFound');
    expect((await get('/v1/blocks/99999')).status).toBe(404);
    expect((await get('/v1/nowhere')).body.code).toBe('notFound');
  });
});

describe('resolution over HTTP (Universal Resolver driver route)', () => {
  it('resolves the current and earlier versions by versionId and versionTime', async () => {
    const d = makeDid(t.chainId, 'sm2');
    await post('/v1/transactions?wait=true', d.createTx);
    const created = await get(`/1.0/identifiers/${d.did}`);
    expect(created.status).toBe(200);
    expect(created.type).toContain('application/did-resolution');
    expect(created.body.didDocument.id).toBe(d.did);
    expect(created.body.didDocument.verificationMethod[0]).toMatchObject({
      id: `${d.did}#key-1`,
      type: 'Multikey',
      controller: d.did,
    });
    expect(created.body.didDocumentMetadata).toMatchObject({ versionId: '1' });
    await new Promise((r) => setTimeout(r, 1100)); // versionTime has second precision
    const next = generateKeyPair('sm2');
    await post('/v1/transactions?wait=true', update(d, '1', contentFor(next, 'key-2')));

    const current = await get(`/1.0/identifiers/${d.did}`);
    expect(current.body.didDocumentMetadata).toMatchObject({
      versionId: '2',
      created: created.body.didDocumentMetadata.created,
    });
    expect(current.body.didDocumentMetadata.updated).toBeDefined();
    expect(current.body.didDocument.verificationMethod[0].id).toBe(`${d.did}#key-2`);

    const v1 = await get(`/1.0/identifiers/${d.did}?versionId=1`);
    expect(v1.body.didDocument.verificationMethod[0].id).toBe(`${d.did}#key-1`);
    expect(v1.body.didDocumentMetadata).toMatchObject({ versionId: '1', nextVersionId: '2' });

    const atCreation = await get(
      `/1.0/identifiers/${d.did}?versionTime=${encodeURIComponent(created.body.didDocumentMetadata.created)}`,
    );
    expect(atCreation.body.didDocumentMetadata.versionId).toBe('1');
    const now = await get(
      `/1.0/identifiers/${d.did}?versionTime=${new Date(Date.now() + 1000).toISOString()}`,
    );
    expect(now.body.didDocumentMetadata.versionId).toBe('2');
    const before = await get(`/1.0/identifiers/${d.did}?versionTime=2000-01-01T00:00:00Z`);
    expect(before.status).toBe(404);
    expect((await get(`/1.0/identifiers/${d.did}?versionId=9`)).status).toBe(404);
    expect(
      (await get(`/1.0/identifiers/${d.did}?versionId=abc`)).body.didResolutionMetadata.error,
    ).toBe('invalidOptions');

    const docOnly = await get(`/1.0/identifiers/${d.did}`, { accept: 'application/did+ld+json' });
    expect(docOnly.type).toContain('application/did+ld+json');
    expect(docOnly.body.id).toBe(d.did);
    expect(docOnly.body['@context']).toContain('https://www.w3.org/ns/did/v1');
  });

  it('answers notFound, invalidDid and methodNotSupported as DID Resolution names them', async () => {
    const missing = await get(`/1.0/identifiers/${makeDid(t.chainId).did}`);
    expect(missing.status).toBe(404);
    expect(missing.body.didResolutionMetadata.error).toBe('notFound');
    expect(missing.body.didDocument).toBeNull();
    const invalid = await get('/1.0/identifiers/did:ddi:0OIl');
    expect(invalid.status).toBe(400);
    expect(invalid.body.didResolutionMetadata.error).toBe('invalidDid');
    const garbage = await get('/1.0/identifiers/not-a-did');
    expect(garbage.body.didResolutionMetadata.error).toBe('invalidDid');
    const other = await get(
      '/1.0/identifiers/did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    );
    expect(other.status).toBe(501);
    expect(other.body.didResolutionMetadata.error).toBe('methodNotSupported');
  });

  it('marks a deactivated DID (410 Gone, deactivated: true, no keys)', async () => {
    const d = makeDid(t.chainId);
    await post('/v1/transactions?wait=true', d.createTx);
    const deactivate = signTransaction(
      {
        chainId: t.chainId,
        type: 'did.deactivate',
        payload: {
          did: d.did,
          previousVersionId: '1',
          recoveryKey: publicKeyToMultibase(d.recovery.type, d.recovery.publicKey),
        },
      },
      [{ kid: RECOVERY_KID, type: d.recovery.type, privateKey: d.recovery.privateKey }],
    );
    expect((await post('/v1/transactions?wait=true', deactivate)).status).toBe(200);
    const res = await get(`/1.0/identifiers/${d.did}`);
    expect(res.status).toBe(410);
    expect(res.body.didDocumentMetadata.deactivated).toBe(true);
    expect(res.body.didDocument.verificationMethod).toBeUndefined();
  });
});

describe('node routes', () => {
  it('serves status, genesis, ping and an OpenAPI document covering the routes', async () => {
    const status = await get('/v1/status');
    expect(status.body).toMatchObject({ chainId: t.chainId, ordering: 'embedded' });
    expect(status.body.stateRoot).toBe(t.ledger.head().header.stateRoot);
    expect((await get('/v1/genesis')).body.chainId).toBe(t.chainId);
    expect((await get('/v1/ping')).body).toEqual({ ok: true });
    const openapi = await get('/openapi.json');
    expect(openapi.body.openapi).toBe('3.0.3');
    for (const path of [
      '/1.0/identifiers/{did}',
      '/v1/transactions',
      '/v1/transactions/{id}',
      '/v1/blocks/{height}',
      '/v1/status',
    ]) {
      expect(Object.keys(openapi.body.paths)).toContain(path);
    }
  });
});
