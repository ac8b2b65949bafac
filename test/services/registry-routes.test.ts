import { ledgerActions } from '../helpers/ledger-actions.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { usccCheckCharacter } from '../../src/core/org/unified-social-credit-code.ts';
import type { Transaction } from '../../src/ledger/transaction.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import { openTestNode, governanceTx } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

// Every registry read route over real HTTP, with state built by signed transactions.

const YEAR = 365 * 24 * 3600 * 1000;
const DEGREE = 'UniversityDegreeCredential';
const CODE = '91350100M000100Y4' + usccCheckCharacter('91350100M000100Y4');
const UNREGISTERED = '12100000400000398' + usccCheckCharacter('12100000400000398');
const nonce = () => randomBytes(12).toString('base64url');

let t: TestNode;
const { by, newDid, commit } = ledgerActions(() => t);
let app: FastifyInstance;
let base: string;
let authority: TestDid;
let issuer: TestDid;
let listed: TestDid;
let org: TestDid;
let authorityAcc: string;
let issuerAcc: string;
const marks: Record<string, { height: number; time: number }> = {};

const gov = (type: string, payload: object, signers?: number[]): Transaction =>
  governanceTx(t, type, payload, signers);

async function get(path: string) {
  const res = await fetch(base + path);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes vary per route
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  t = await openTestNode();
  app = await buildHttpServer(t.node);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  authority = await newDid('ed25519');
  issuer = await newDid('ed25519');
  listed = await newDid('ed25519');
  org = await newDid('ed25519');
  authorityAcc = (
    await commit(
      gov('trust.accredit', {
        nonce: nonce(),
        subject: authority.did,
        role: 'accreditationAuthority',
        scope: { credentialTypes: [DEGREE] },
        validUntil: Date.now() + 2 * YEAR,
      }),
    )
  ).id;
  const granted = await commit(
    by(authority, 'trust.accredit', {
      nonce: nonce(),
      subject: issuer.did,
      role: 'credentialIssuer',
      scope: { credentialTypes: [DEGREE] },
      validUntil: Date.now() + YEAR,
    }),
  );
  issuerAcc = granted.id;
  marks.granted = granted;
  await commit(
    by(issuer, 'template.register', {
      template: {
        id: 'edu.example.degree',
        version: 1,
        credentialType: DEGREE,
        schema: { type: 'object', properties: { degree: { type: 'string' } } },
        display: { 'zh-CN': { name: '学位证书' }, en: { name: 'Degree' } },
      },
    }),
  );
  await commit(
    by(issuer, 'template.register', {
      template: {
        id: 'edu.example.degree',
        version: 2,
        credentialType: DEGREE,
        schema: { type: 'object', properties: { degree: { type: 'string' }, year: {} } },
        display: { 'zh-CN': { name: '学位证书' }, en: { name: 'Degree', description: 'v2' } },
      },
    }),
  );
  marks.suspended = await commit(
    gov('trust.setStatus', {
      accreditation: authorityAcc,
      previousVersion: 1,
      status: 'suspended',
      reason: 'audit',
    }),
  );
  await commit(gov('trust.blocklist', { nonce: nonce(), did: listed.did, listed: true }));
  await commit(gov('org.register', { nonce: nonce(), uscc: CODE, did: org.did, kind: 'business' }));
});

afterAll(async () => {
  await app.close();
  await t.close();
});

describe('GET /v1/governance', () => {
  it('answers the regulator, its governance keys and the threshold', async () => {
    const { status, body } = await get('/v1/governance');
    expect(status).toBe(200);
    expect(body).toEqual({
      regulator: t.regulator!.did,
      threshold: 2,
      keys: t.genesis.governance.keys,
      version: 1,
    });
  });
});

describe('GET /v1/trust/accreditations', () => {
  it('answers one accreditation with every field and its history', async () => {
    const { status, body } = await get(`/v1/trust/accreditations/${authorityAcc}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: authorityAcc,
      subject: authority.did,
      role: 'accreditationAuthority',
      scope: { credentialTypes: [DEGREE] },
      grantedBy: t.regulator!.did,
      parent: null,
      status: 'suspended',
      version: 2,
    });
    expect(body.history.map((h: { status: string }) => h.status)).toEqual(['active', 'suspended']);
    expect(body.history[1]).toMatchObject({ reason: 'audit', height: marks.suspended!.height });
    expect(typeof body.validFrom).toBe('number');
  });

  it('lists the accreditations of a subject, in one role or all', async () => {
    const all = await get(`/v1/trust/accreditations?subject=${issuer.did}`);
    expect(all.status).toBe(200);
    expect(all.body.accreditations.map((a: { id: string }) => a.id)).toEqual([issuerAcc]);
    expect(all.body.accreditations[0]).toMatchObject({
      grantedBy: authority.did,
      parent: authorityAcc,
    });
    const inRole = await get(`/v1/trust/accreditations?subject=${issuer.did}&role=operator`);
    expect(inRole.body).toEqual({ accreditations: [] });
  });

  it('refuses bad input and answers notFound for an unknown id', async () => {
    expect((await get(`/v1/trust/accreditations/${'0'.repeat(64)}`)).body.code).toBe('notFound');
    expect((await get(`/v1/trust/accreditations/${'0'.repeat(64)}`)).status).toBe(404);
    for (const path of [
      '/v1/trust/accreditations/XYZ',
      '/v1/trust/accreditations',
      '/v1/trust/accreditations?subject=nobody',
      `/v1/trust/accreditations?subject=${issuer.did}&role=king`,
      `/v1/trust/accreditations?subject=${issuer.did}&extra=1`,
      `/v1/trust/accreditations?subject=did:web:example.org`,
    ]) {
      const { status, body } = await get(path);
      expect([status, body.code], path).toEqual([400, 'malformed']);
    }
  });
});

describe('GET /v1/trust/check', () => {
  const q = (extra: string) =>
    get(`/v1/trust/check?subject=${issuer.did}&role=credentialIssuer${extra}`);

  it('answers no now (the authority above is suspended), with the reason', async () => {
    const { status, body } = await q(`&credentialType=${DEGREE}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ accredited: false, reason: 'grantor suspended', chain: [] });
    expect(Date.parse(body.at)).toBeGreaterThan(marks.suspended!.time - 1);
  });

  it('answers yes at a time before the suspension, with the chain to the regulator', async () => {
    const at = new Date(marks.granted!.time).toISOString();
    const { body } = await q(`&credentialType=${DEGREE}&at=${encodeURIComponent(at)}`);
    expect(body.accredited).toBe(true);
    expect(body.reason).toBeUndefined();
    expect(body.at).toBe(at);
    expect(body.chain.map((a: { id: string }) => a.id)).toEqual([issuerAcc, authorityAcc]);
    expect(body.chain[1].grantedBy).toBe(t.regulator!.did);
  });

  it('answers at a block height with that block time', async () => {
    const yes = await q(`&credentialType=${DEGREE}&height=${marks.granted!.height}`);
    expect(yes.body).toMatchObject({
      accredited: true,
      height: marks.granted!.height,
      at: new Date(marks.granted!.time).toISOString(),
    });
    const no = await q(`&credentialType=${DEGREE}&height=${marks.suspended!.height}`);
    expect(no.body).toMatchObject({ accredited: false, reason: 'grantor suspended' });
    const before = await q(`&height=${marks.granted!.height - 1}`);
    expect(before.body).toMatchObject({ accredited: false, reason: 'notYetValid' });
  });

  it('reports outOfScope, notAccredited and blocklisted', async () => {
    const at = `&at=${encodeURIComponent(new Date(marks.granted!.time).toISOString())}`;
    expect((await q(`&credentialType=DrivingLicense${at}`)).body.reason).toBe('outOfScope');
    const other = await get(`/v1/trust/check?subject=${org.did}&role=credentialIssuer`);
    expect(other.body).toMatchObject({ accredited: false, reason: 'notAccredited' });
    const blocked = await get(`/v1/trust/check?subject=${listed.did}&role=operator`);
    expect(blocked.body).toMatchObject({ accredited: false, reason: 'blocklisted' });
  });

  it('refuses bad input as malformed, and a height beyond the head as notFound', async () => {
    for (const extra of [
      '&at=yesterday',
      '&at=2026-13-45T00:00:00Z',
      '&height=-1',
      '&height=1.5',
      '&at=2026-01-01T00:00:00Z&height=1',
      '&credentialType=has%20space',
      '&role=king',
      '&nonsense=1',
    ]) {
      const { status, body } = await q(extra);
      expect([status, body.code], extra).toEqual([400, 'malformed']);
    }
    const missing = await get('/v1/trust/check?role=operator');
    expect([missing.status, missing.body.code]).toEqual([400, 'malformed']);
    const badDid = await get('/v1/trust/check?subject=did:ddi:0OIl&role=operator');
    expect([badDid.status, badDid.body.code]).toEqual([400, 'malformed']);
    const future = await q('&height=999999');
    expect([future.status, future.body.code]).toEqual([404, 'notFound']);
  });
});

describe('GET /v1/trust/blocklist/{did}', () => {
  it('answers a listed DID with its history, notFound for one never listed', async () => {
    const { status, body } = await get(`/v1/trust/blocklist/${listed.did}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ did: listed.did, listed: true });
    expect(body.history).toHaveLength(1);
    const never = await get(`/v1/trust/blocklist/${issuer.did}`);
    expect([never.status, never.body.code]).toEqual([404, 'notFound']);
    const bad = await get('/v1/trust/blocklist/not-a-did');
    expect([bad.status, bad.body.code]).toEqual([400, 'malformed']);
  });
});

describe('GET /v1/templates', () => {
  it('answers the latest version and each version', async () => {
    const latest = await get('/v1/templates/edu.example.degree');
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ issuer: issuer.did, template: { version: 2 } });
    expect(latest.body.template.display.en).toEqual({ name: 'Degree', description: 'v2' });
    const v1 = await get('/v1/templates/edu.example.degree/versions/1');
    expect(v1.body.template).toMatchObject({
      id: 'edu.example.degree',
      version: 1,
      credentialType: DEGREE,
      schema: { type: 'object', properties: { degree: { type: 'string' } } },
    });
  });

  it('answers notFound for an unknown template or version, malformed for bad ids', async () => {
    for (const path of [
      '/v1/templates/edu.example.none',
      '/v1/templates/edu.example.degree/versions/3',
    ]) {
      const { status, body } = await get(path);
      expect([status, body.code], path).toEqual([404, 'notFound']);
    }
    for (const path of [
      '/v1/templates/Edu.Example',
      '/v1/templates/edu..example',
      '/v1/templates/edu.example.degree/versions/0',
      '/v1/templates/edu.example.degree/versions/x',
    ]) {
      const { status, body } = await get(path);
      expect([status, body.code], path).toEqual([400, 'malformed']);
    }
  });
});

describe('GET /v1/organizations', () => {
  it('answers an organization by code and by primary DID', async () => {
    const byCode = await get(`/v1/organizations/${CODE}`);
    expect(byCode.status).toBe(200);
    expect(byCode.body).toMatchObject({
      uscc: CODE,
      kind: 'business',
      primaryDid: org.did,
      registeredBy: t.regulator!.did,
      version: 1,
    });
    const byDid = await get(`/v1/organizations?did=${org.did}`);
    expect(byDid.body).toEqual(byCode.body);
  });

  it('answers notFound for an unregistered code or DID, malformed for bad input', async () => {
    expect((await get(`/v1/organizations/${UNREGISTERED}`)).status).toBe(404);
    expect((await get(`/v1/organizations?did=${issuer.did}`)).body.code).toBe('notFound');
    const badCheck = CODE.slice(0, 17) + (CODE[17] === '0' ? '1' : '0');
    for (const path of [
      `/v1/organizations/${badCheck}`,
      `/v1/organizations/${CODE.toLowerCase()}`,
      '/v1/organizations',
      '/v1/organizations?did=nope',
    ]) {
      const { status, body } = await get(path);
      expect([status, body.code], path).toEqual([400, 'malformed']);
    }
  });
});

describe('OpenAPI', () => {
  it('documents every new route with its schemas', async () => {
    const { body } = await get('/openapi.json');
    for (const path of [
      '/v1/governance',
      '/v1/trust/accreditations/{id}',
      '/v1/trust/accreditations',
      '/v1/trust/check',
      '/v1/trust/blocklist/{did}',
      '/v1/templates/{id}',
      '/v1/templates/{id}/versions/{version}',
      '/v1/organizations/{uscc}',
      '/v1/organizations',
    ]) {
      expect(body.paths[path]?.get, path).toBeDefined();
    }
    const check = body.paths['/v1/trust/check'].get;
    expect(check.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
      ['at', 'credentialType', 'height', 'role', 'subject', 'template'].sort(),
    );
  });
});
