import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildHttpServer } from '../../src/services/http/server.ts';
import { consentDecision } from '../../src/services/registry-queries/consent-query.ts';
import type { StateReader } from '../../src/ledger/state/world-state.ts';
import { ledgerActions } from '../helpers/ledger-actions.ts';
import { openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

// The data authorization routes over real HTTP against an in-process node.

let t: TestNode;
let app: FastifyInstance;
let base: string;
const { by, commit, newDid } = ledgerActions(() => t);
let holder: TestDid;
let bank: TestDid;
let shop: TestDid;
let financial: string;
let contact: string;
const DAY = 86_400_000;
const grantIds: string[] = [];

async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes vary per route
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}
const get = (path: string) => call('GET', path);

async function grant(grantee: TestDid, scopes: string[], purpose: string): Promise<string> {
  const grantId = randomBytes(12).toString('base64url');
  await commit(
    by(holder, 'consent.grant', {
      grantId,
      grantor: holder.did,
      grantee: grantee.did,
      scopes,
      purpose,
      expires: Date.now() + 30 * DAY,
    }),
  );
  grantIds.push(grantId);
  return grantId;
}

beforeAll(async () => {
  t = await openTestNode();
  app = await buildHttpServer(t.node);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  holder = await newDid('sm2');
  bank = await newDid('ed25519');
  shop = await newDid('ed25519');
  financial = await grant(bank, ['financial'], 'loan-assessment');
  contact = await grant(shop, ['contact', 'identity.basic'], 'delivery');
  await grant(shop, ['profile'], 'recommendations');
  await commit(by(holder, 'consent.revoke', { grantId: contact }));
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('GET /v1/consents/{grantId}', () => {
  it('answers a grant with how it ended', async () => {
    const res = await get(`/v1/consents/${contact}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      grantId: contact,
      grantor: holder.did,
      grantee: shop.did,
      scopes: ['contact', 'identity.basic'],
      status: 'revoked',
      ended: { status: 'revoked', by: holder.did },
    });
  });

  it('refuses an unknown or malformed id', async () => {
    const unknown = await get(`/v1/consents/${randomBytes(12).toString('base64url')}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('notFound');
    const bad = await get('/v1/consents/x');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('malformed');
  });
});

describe('GET /v1/consents', () => {
  it('lists a grantor’s grants newest first, page by page', async () => {
    const all = await get(`/v1/consents?grantor=${encodeURIComponent(holder.did)}`);
    expect(all.status).toBe(200);
    expect(all.body.grants.map((g: { grantId: string }) => g.grantId)).toEqual(
      [...grantIds].reverse(),
    );
    expect(all.body.nextCursor).toBeUndefined();
    const first = await get(`/v1/consents?grantor=${encodeURIComponent(holder.did)}&limit=2`);
    expect(first.body.grants).toHaveLength(2);
    expect(first.body.nextCursor).toBe(1);
    const rest = await get(
      `/v1/consents?grantor=${encodeURIComponent(holder.did)}&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(rest.body.grants.map((g: { grantId: string }) => g.grantId)).toEqual([financial]);
    expect(rest.body.nextCursor).toBeUndefined();
  });

  it('lists a grantee’s grants', async () => {
    const res = await get(`/v1/consents?grantee=${encodeURIComponent(bank.did)}`);
    expect(res.body.grants.map((g: { grantId: string }) => g.grantId)).toEqual([financial]);
    const none = await get(`/v1/consents?grantee=${encodeURIComponent(holder.did)}`);
    expect(none.body).toEqual({ grants: [] });
  });

  it('refuses a listing without exactly one party, or with a bad limit', async () => {
    for (const query of [
      '',
      `?grantor=${encodeURIComponent(holder.did)}&grantee=${encodeURIComponent(bank.did)}`,
      `?grantor=${encodeURIComponent(holder.did)}&limit=0`,
      `?grantor=${encodeURIComponent(holder.did)}&limit=201`,
      `?grantor=${encodeURIComponent(holder.did)}&limit=-1`,
      '?grantor=not-a-did',
      `?grantor=${encodeURIComponent(holder.did)}&active=true`,
    ]) {
      const res = await get(`/v1/consents${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code, query).toBe('malformed');
    }
  });
});

describe('/v1/consents/check', () => {
  const q = (values: Record<string, string>) => new URLSearchParams(values).toString();

  it('answers allowed with the grant, by GET and by POST alike', async () => {
    const question = {
      grantor: holder.did,
      grantee: bank.did,
      scope: 'financial',
      purpose: 'loan-assessment',
    };
    const byGet = await get(`/v1/consents/check?${q(question)}`);
    expect(byGet.status).toBe(200);
    expect(byGet.body).toMatchObject({ allowed: true, grant: { grantId: financial } });
    const byPost = await call('POST', '/v1/consents/check', question);
    expect(byPost.status).toBe(200);
    expect(byPost.body).toMatchObject({ allowed: true, grant: { grantId: financial } });
  });

  it('answers each refusal with its reason', async () => {
    const ask = async (values: Record<string, string>) =>
      (await call('POST', '/v1/consents/check', values)).body;
    const base = { grantor: holder.did, grantee: shop.did };
    expect(await ask({ ...base, scope: 'contact' })).toMatchObject({
      allowed: false,
      reason: 'revoked',
      grant: { grantId: contact },
    });
    expect(await ask({ ...base, scope: 'health' })).toMatchObject({ reason: 'noGrant' });
    expect(await ask({ ...base, scope: 'profile', purpose: 'marketing' })).toMatchObject({
      reason: 'purposeMismatch',
    });
    expect(await ask({ ...base, scope: 'contact', grantId: financial })).toMatchObject({
      reason: 'granteeMismatch',
    });
    expect(await ask({ ...base, scope: 'profile', at: '2020-01-01T00:00:00Z' })).toMatchObject({
      reason: 'notYetValid',
      at: '2020-01-01T00:00:00.000Z',
    });
    const later = new Date(Date.now() + 60 * DAY).toISOString();
    expect(await ask({ ...base, scope: 'profile', at: later })).toMatchObject({
      reason: 'expired',
    });
  });

  it('refuses an ended grant to a question about now, even if its block time is ahead of the clock', async () => {
    // The state as a node whose clock is a minute behind the revocation's block would see it.
    const stored = JSON.parse(t.ledger.state.get(`consent/grant/${contact}`)!) as {
      ended: { time: number };
    };
    const ahead = JSON.stringify({
      ...stored,
      ended: { ...stored.ended, time: Date.now() + 60_000 },
    });
    const skewed: StateReader = {
      get: (key) => (key === `consent/grant/${contact}` ? ahead : t.ledger.state.get(key)),
    };
    const question = { grantor: holder.did, grantee: shop.did, scope: 'contact', grantId: contact };
    expect(consentDecision(t.ledger, question, skewed)).toMatchObject({
      allowed: false,
      reason: 'revoked',
    });
    // A question about a given moment still answers for that moment.
    expect(
      consentDecision(
        t.ledger,
        { ...question, at: new Date(Date.now() + 1000).toISOString() },
        skewed,
      ),
    ).toMatchObject({ allowed: true });
  });

  it('refuses malformed questions', async () => {
    const good = { grantor: holder.did, grantee: bank.did, scope: 'financial' };
    for (const body of [
      { ...good, scope: 'dna' },
      { ...good, grantor: 'did:ddi:bad' },
      { grantee: bank.did, scope: 'financial' },
      { ...good, purpose: 'call 13800138000' },
      { ...good, at: 'yesterday' },
      { ...good, grantId: 'x' },
      { ...good, extra: true },
    ]) {
      const res = await call('POST', '/v1/consents/check', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('malformed');
    }
    const res = await get(`/v1/consents/check?${q({ ...good, scope: 'dna' })}`);
    expect(res.status).toBe(400);
  });
});

describe('GET /v1/audit-anchors/{holder}/{logId}', () => {
  it('answers the latest anchor and one by sequence; notFound otherwise', async () => {
    const h2 = randomBytes(32).toString('hex');
    const h7 = randomBytes(32).toString('hex');
    for (const [sequence, h] of [
      [2, h2],
      [7, h7],
    ] as const) {
      await commit(
        by(bank, 'audit.anchor', { holder: bank.did, logId: 'loans', sequence, head: h }),
      );
    }
    const path = `/v1/audit-anchors/${encodeURIComponent(bank.did)}/loans`;
    const latest = await get(path);
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ holder: bank.did, logId: 'loans', sequence: 7, head: h7 });
    expect((await get(`${path}?sequence=2`)).body).toMatchObject({ sequence: 2, head: h2 });
    expect((await get(`${path}?sequence=3`)).status).toBe(404);
    expect((await get(`/v1/audit-anchors/${encodeURIComponent(bank.did)}/other`)).status).toBe(404);
    expect((await get(`${path}?sequence=0`)).status).toBe(400);
    expect((await get(`/v1/audit-anchors/not-a-did/loans`)).status).toBe(400);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await get('/openapi.json')).body;
    for (const path of [
      '/v1/consents/check',
      '/v1/consents/{grantId}',
      '/v1/consents',
      '/v1/audit-anchors/{holder}/{logId}',
    ])
      expect(doc.paths[path], path).toBeDefined();
    expect(doc.paths['/v1/consents/check'].post).toBeDefined();
    const titles = Object.values(doc.components.schemas).map(
      (s) => (s as { title?: string }).title,
    );
    expect(titles).toEqual(
      expect.arrayContaining(['ConsentGrant', 'ConsentPage', 'ConsentDecision', 'AuditAnchor']),
    );
  });
});
