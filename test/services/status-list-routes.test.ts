import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DdiError } from '../../src/core/errors.ts';
import { decodeTokenStatusList } from '../../src/core/status/index.ts';
import type { StateProofBundle } from '../../src/ledger/proofs/state-proof.ts';
import { statusPageKey } from '../../src/ledger/registries/status-registry.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import { LightClient, trustAnchorFromGenesis } from '../../src/clients/sdk/light-client.ts';
import { httpTransport } from '../../src/clients/sdk/transports/http.ts';
import type { Transport } from '../../src/clients/sdk/transport.ts';
import { createClient, didSigner, inProcessTransport } from '../../src/clients/sdk/index.ts';
import { governanceTx, makeDid, openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

// The status list routes over real HTTP, and the light client over their proofs.

let t: TestNode;
let app: FastifyInstance;
let base: string;
let transport: Transport;
let issuer: TestDid;
let listId: string;
let createdHeight: number;
let changedHeight: number;

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, { headers });
  const text = await res.text();
  return {
    status: res.status,
    etag: res.headers.get('etag'),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes vary per route
    body: (text ? JSON.parse(text) : undefined) as any,
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DdiError);
  return (err as DdiError).code;
}

beforeAll(async () => {
  t = await openTestNode();
  app = await buildHttpServer(t.node);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  transport = httpTransport(base);
  issuer = makeDid(t.chainId);
  await t.node.submit(issuer.createTx, { wait: true });
  await t.node.submit(
    governanceTx(t, 'trust.accredit', {
      nonce: randomBytes(9).toString('base64url'),
      subject: issuer.did,
      role: 'credentialIssuer',
      scope: { credentialTypes: ['DegreeCredential'] },
      validUntil: Date.now() + 86_400_000,
    }),
    { wait: true },
  );
  const client = createClient(inProcessTransport(t.node));
  const signer = didSigner(issuer.did, 'key-1', issuer.signing);
  const created = await client.createStatusList({ signer });
  listId = created.listId;
  createdHeight = created.status.status === 'committed' ? created.status.height : -1;
  const changed = await client.setCredentialStatus({
    signer,
    listId,
    changes: [
      { index: 5, status: 'revoked' },
      { index: 70_000, status: 'suspended' },
    ],
  });
  changedHeight = changed.status.status === 'committed' ? changed.status.height : -1;
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('GET /v1/status-lists/{owner}/{listId}', () => {
  it('serves the ledger bits as an unsigned Token Status List, with the height as ETag', async () => {
    const path = `/v1/status-lists/${issuer.did}/${listId}`;
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.etag).toBe(`"${changedHeight}"`);
    expect(changedHeight).toBeGreaterThan(createdHeight);
    expect(res.body).toMatchObject({
      owner: issuer.did,
      listId,
      size: 131_072,
      bits: 2,
      purpose: 'revocation+suspension',
      version: 2,
      updatedHeight: changedHeight,
    });
    const list = decodeTokenStatusList(res.body);
    expect(list.size).toBe(131_072);
    expect([5, 70_000, 6].map((i) => list.statusAt(i))).toEqual([1, 2, 0]);

    const unchanged = await get(path, { 'if-none-match': `"${changedHeight}"` });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBeUndefined();
    expect((await get(path, { 'if-none-match': `W/"1", "${changedHeight}"` })).status).toBe(304);
    expect((await get(path, { 'if-none-match': `"${createdHeight}"` })).status).toBe(200);
  });

  it('answers one entry, with the same ETag', async () => {
    const path = (i: number | string) => `/v1/status-lists/${issuer.did}/${listId}/entries/${i}`;
    expect((await get(path(5))).body).toEqual({ index: 5, status: 'revoked', value: 1 });
    expect((await get(path(70_000))).body).toEqual({
      index: 70_000,
      status: 'suspended',
      value: 2,
    });
    const valid = await get(path(131_071));
    expect(valid.body).toEqual({ index: 131_071, status: 'valid', value: 0 });
    expect(valid.etag).toBe(`"${changedHeight}"`);
    expect((await get(path(5), { 'if-none-match': `"${changedHeight}"` })).status).toBe(304);
  });

  it('refuses bad input as malformed, and answers notFound for a list that does not exist', async () => {
    const cases: Array<[string, string, string]> = [
      [`/v1/status-lists/not-a-did/${listId}`, 'malformed', 'owner'],
      [`/v1/status-lists/did:web:example.org/${listId}`, 'malformed', 'owner'],
      [`/v1/status-lists/${issuer.did}/short`, 'malformed', 'listId'],
      [`/v1/status-lists/${issuer.did}/bad%20list%20id`, 'malformed', 'listId'],
      [`/v1/status-lists/${issuer.did}/${listId}/entries/131072`, 'malformed', ''],
      [`/v1/status-lists/${issuer.did}/${listId}/entries/-1`, 'malformed', 'index'],
      [`/v1/status-lists/${issuer.did}/${listId}/entries/1.5`, 'malformed', 'index'],
      [`/v1/proofs/status-lists/${issuer.did}/${listId}/entries/999999`, 'malformed', ''],
      [`/v1/status-lists/${issuer.did}/NoSuchList1`, 'notFound', ''],
      [`/v1/status-lists/${makeDid(t.chainId).did}/${listId}/entries/0`, 'notFound', ''],
      [`/v1/proofs/status-lists/${issuer.did}/NoSuchList1/entries/0`, 'notFound', ''],
    ];
    for (const [path, code, field] of cases) {
      const res = await get(path);
      expect(res.body.code, path).toBe(code);
      expect(res.status, path).toBe(code === 'notFound' ? 404 : 400);
      if (field) expect(res.body.details?.field, path).toBe(field);
    }
    const range = await get(`/v1/status-lists/${issuer.did}/${listId}/entries/131072`);
    expect(range.body.details.reason).toBe('RANGE_ERROR');
  });

  it('answers the in-process transport exactly as over HTTP', async () => {
    const local = inProcessTransport(t.node);
    expect(await local.getStatusList(issuer.did, listId)).toEqual(
      await transport.getStatusList(issuer.did, listId),
    );
    expect(await local.getStatusEntry(issuer.did, listId, 5)).toEqual(
      await transport.getStatusEntry(issuer.did, listId, 5),
    );
    for (const tr of [local, transport]) {
      expect(await codeOf(tr.getStatusEntry(issuer.did, listId, 131_072))).toBe('malformed');
      expect(await codeOf(tr.getStatusEntry(issuer.did, listId, -1))).toBe('malformed');
      expect(await codeOf(tr.getStatusList('did:ddi:nope', listId))).toBe('malformed');
      expect(await codeOf(tr.getStatusList(issuer.did, 'NoSuchList1'))).toBe('notFound');
    }
  });
});

/** A node that rewrites its status proofs. */
function lying(rewrite: (proof: StateProofBundle) => StateProofBundle): Transport {
  return {
    ...transport,
    proveStatusEntry: async (owner, id, index) => {
      const real = await transport.proveStatusEntry(owner, id, index);
      return { ...real, proof: rewrite(structuredClone(real.proof)) };
    },
  };
}

describe('light client statusOf', () => {
  it('recomputes an entry from the proven record and page, including an unwritten page', async () => {
    const client = new LightClient(transport, trustAnchorFromGenesis(t.genesis));
    const revoked = await client.statusOf(issuer.did, listId, 5);
    expect(revoked.value).toEqual({ index: 5, status: 'revoked', value: 1 });
    expect(revoked.height).toBe(t.ledger.head().header.height);
    expect((await client.statusOf(issuer.did, listId, 70_000)).value.status).toBe('suspended');
    // Page 7 was never written: its absence is proven, and every entry in it is valid.
    const proof = await transport.proveStatusEntry(issuer.did, listId, 120_000);
    const page = proof.proof.entries.find((e) => e.key === statusPageKey(issuer.did, listId, 7));
    expect(page?.value).toBeNull();
    expect((await client.statusOf(issuer.did, listId, 120_000)).value.status).toBe('valid');
    expect(await codeOf(client.statusOf(issuer.did, 'NoSuchList1', 0))).toBe('notFound');
  });

  it('rejects a node that hides a revocation, lies about the answer or leaves out the page', async () => {
    const anchor = trustAnchorFromGenesis(t.genesis);
    const pageKey = statusPageKey(issuer.did, listId, 0);
    const cleared = lying((p) => {
      for (const e of p.entries)
        if (e.key === pageKey) e.value = Buffer.alloc(4096).toString('base64');
      return p;
    });
    expect(await codeOf(new LightClient(cleared, anchor).statusOf(issuer.did, listId, 5))).toBe(
      'invalidProof',
    );
    const hidden = lying((p) => ({
      ...p,
      entries: p.entries.map((e) => (e.key === pageKey ? { ...e, value: null } : e)),
    }));
    expect(await codeOf(new LightClient(hidden, anchor).statusOf(issuer.did, listId, 5))).toBe(
      'invalidProof',
    );
    const partial = lying((p) => ({ ...p, entries: p.entries.filter((e) => e.key !== pageKey) }));
    expect(await codeOf(new LightClient(partial, anchor).statusOf(issuer.did, listId, 5))).toBe(
      'invalidProof',
    );
    const liar: Transport = {
      ...transport,
      proveStatusEntry: async (owner, id, index) => {
        const real = await transport.proveStatusEntry(owner, id, index);
        return { ...real, entry: { index, status: 'valid', value: 0 } };
      },
    };
    expect(await codeOf(new LightClient(liar, anchor).statusOf(issuer.did, listId, 5))).toBe(
      'invalidProof',
    );
  });
});
