import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DdiError } from '../../src/core/errors.ts';
import type { ErrorCode } from '../../src/core/errors.ts';
import { generateKeyPair } from '../../src/core/keys/index.ts';
import { usccCheckCharacter } from '../../src/core/org/unified-social-credit-code.ts';
import type { CredentialTemplate } from '../../src/core/templates/credential-template.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import {
  accredit,
  blocklist,
  checkAccreditation,
  createClient,
  createDid,
  deregisterOrganization,
  didSigner,
  getAccreditation,
  getBlocklistEntry,
  getGovernance,
  getOrganization,
  getOrganizationOfDid,
  getTemplate,
  governanceSigners,
  httpTransport,
  inProcessTransport,
  listAccreditations,
  prepareAccredit,
  registerOrganization,
  registerTemplate,
  reinstateAccreditation,
  revokeAccreditation,
  setGovernance,
  signGovernanceTransaction,
  submitTransaction,
  suspendAccreditation,
} from '../../src/clients/sdk/index.ts';
import type { DidSigner, GovernanceSigners, Transport } from '../../src/clients/sdk/index.ts';
import { openTestNode } from '../helpers/temp-node.ts';
import type { TestNode } from '../helpers/temp-node.ts';

const DAY = 24 * 3600 * 1000;
const DEGREE = 'UniversityDegreeCredential';
const TRANSCRIPT = 'TranscriptCredential';
const LICENSE = 'DrivingLicenseCredential';

let t: TestNode;
let app: FastifyInstance;
const transports: Record<string, Transport> = {};
/** The issuer each run accredited, by transport name. */
const issuers: Record<string, string> = {};

beforeAll(async () => {
  t = await openTestNode();
  app = await buildHttpServer(t.node);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  transports['in-process'] = inProcessTransport(t.node);
  transports.http = httpTransport(`http://127.0.0.1:${port}`);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

/** The regulator's governance keys by index (0 → gov-1). */
function gov(...indexes: number[]): GovernanceSigners {
  const r = t.regulator!;
  return governanceSigners(
    r.did,
    indexes.map((i) => ({ id: `gov-${i + 1}`, keyPair: r.governanceKeys[i]! })),
  );
}

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    if (err instanceof DdiError) return err.code;
    throw err;
  }
}

async function newDid(transport: Transport): Promise<{ did: string; signer: DidSigner }> {
  const signingKey = generateKeyPair('sm2');
  const created = await createDid(transport, { signingKey, recoveryKey: generateKeyPair('sm2') });
  return { did: created.did, signer: didSigner(created.did, 'key-1', signingKey) };
}

function degreeTemplate(id: string, credentialType = DEGREE): CredentialTemplate {
  return {
    id,
    version: 1,
    credentialType,
    schema: {
      type: 'object',
      properties: { degree: { type: 'string' } },
      required: ['degree'],
    },
    display: { 'zh-CN': { name: '学位证书' }, en: { name: 'University degree' } },
  };
}

/** A unified social credit code with a valid check character, distinct per `n`. */
function code(n: number): string {
  const first17 = `91350100M${String(n).padStart(7, '0')}Y`;
  return first17 + usccCheckCharacter(first17);
}

describe.each(['in-process', 'http'])('governance and trust over the %s transport', (name) => {
  let transport: Transport;
  let authority: { did: string; signer: DidSigner };
  let issuer: { did: string; signer: DidSigner };
  let authorityAcc: string;
  let issuerAcc: string;
  let grantedAt: { height: number; time: number };

  beforeAll(async () => {
    transport = transports[name]!;
    authority = await newDid(transport);
    issuer = await newDid(transport);
  });

  async function blockOf(status: { status: string; height?: number }) {
    expect(status.status).toBe('committed');
    const height = status.height!;
    return { height, time: (await transport.getBlock(height)).header.time };
  }

  it('answers the governance configuration', async () => {
    const config = await getGovernance(transport);
    expect(config).toMatchObject({ regulator: t.regulator!.did, threshold: 2 });
    expect(config.keys.map((k) => k.id)).toEqual(['gov-1', 'gov-2', 'gov-3']);
  });

  it('accredits an authority with 2 of 3 governance keys signed apart, and refuses 1 of 3', async () => {
    const parameters = {
      subject: authority.did,
      role: 'accreditationAuthority' as const,
      scope: { credentialTypes: [DEGREE, TRANSCRIPT] },
      validUntil: new Date(Date.now() + 730 * DAY),
    };
    // One key holder signs and passes the transaction on.
    const partly = await prepareAccredit(transport, { ...parameters, signer: gov(0) });
    expect(partly.proofs).toHaveLength(1);
    const alone = await codeOf(submitTransaction(transport, { transaction: partly }));
    expect(alone).toBe('unauthorized');
    // The second adds a proof over the same body; the first's proof stays valid.
    const both = signGovernanceTransaction(JSON.parse(JSON.stringify(partly)), gov(2).signers[0]!);
    expect(both.proofs.map((p) => p.kid.split('#')[1])).toEqual(['gov-1', 'gov-3']);
    expect(() => signGovernanceTransaction(both, gov(2))).toThrow(/already signed/);
    // Same body, same id as the refused one: a rejection leaves nothing on the ledger, so the
    // fully signed transaction is not a replay.
    const result = await submitTransaction(transport, { transaction: both });
    authorityAcc = result.txId;
    await blockOf(result.status);
    const acc = await getAccreditation(transport, authorityAcc);
    expect(acc).toMatchObject({
      subject: authority.did,
      grantedBy: t.regulator!.did,
      parent: null,
      status: 'active',
      scope: { credentialTypes: [DEGREE, TRANSCRIPT].sort() },
    });
  });

  it('lets the authority accredit an issuer for one type, and refuses an out-of-scope grant', async () => {
    const outOfScope = accredit(transport, {
      subject: issuer.did,
      role: 'credentialIssuer',
      scope: { credentialTypes: [LICENSE] },
      validUntil: Date.now() + 365 * DAY,
      signer: authority.signer,
    });
    expect(await codeOf(outOfScope)).toBe('unauthorized');
    const tooLong = accredit(transport, {
      subject: issuer.did,
      role: 'credentialIssuer',
      scope: { credentialTypes: [DEGREE] },
      validUntil: Date.now() + 1000 * DAY,
      signer: authority.signer,
    });
    expect(await codeOf(tooLong)).toBe('unauthorized');
    const granted = await accredit(transport, {
      subject: issuer.did,
      role: 'credentialIssuer',
      scope: { credentialTypes: [DEGREE] },
      validUntil: Date.now() + 365 * DAY,
      signer: authority.signer,
    });
    issuerAcc = granted.accreditation;
    issuers[name] = issuer.did;
    expect(issuerAcc).toBe(granted.txId);
    grantedAt = await blockOf(granted.status);

    const answer = await checkAccreditation(transport, {
      subject: issuer.did,
      role: 'credentialIssuer',
      credentialType: DEGREE,
    });
    expect(answer.accredited).toBe(true);
    expect(answer.chain.map((a) => a.id)).toEqual([issuerAcc, authorityAcc]);
    const other = await checkAccreditation(transport, {
      subject: issuer.did,
      role: 'credentialIssuer',
      credentialType: TRANSCRIPT,
    });
    expect(other).toMatchObject({ accredited: false, reason: 'outOfScope' });
    const listed = await listAccreditations(transport, { subject: issuer.did });
    expect(listed.map((a) => a.id)).toEqual([issuerAcc]);
  });

  it('lets the issuer register a template for its type only', async () => {
    const id = `edu.example.${name.replace('-', '')}.degree`;
    await registerTemplate(transport, { template: degreeTemplate(id), signer: issuer.signer });
    const record = await getTemplate(transport, id);
    expect(record).toMatchObject({ issuer: issuer.did, template: { id, version: 1 } });
    expect(await getTemplate(transport, id, 1)).toEqual(record);
    expect(await codeOf(getTemplate(transport, id, 2))).toBe('notFound');
    const license = registerTemplate(transport, {
      template: degreeTemplate(`${id}.license`, LICENSE),
      signer: issuer.signer,
    });
    expect(await codeOf(license)).toBe('unauthorized');
  });

  it('suspends and reinstates the authority; the past still answers as it was', async () => {
    const suspended = await suspendAccreditation(transport, {
      accreditation: authorityAcc,
      reason: 'audit',
      signer: gov(1, 2),
    });
    const suspendedAt = await blockOf(suspended.status);
    const query = {
      subject: issuer.did,
      role: 'credentialIssuer' as const,
      credentialType: DEGREE,
    };
    expect(await checkAccreditation(transport, query)).toMatchObject({
      accredited: false,
      reason: 'grantor suspended',
    });
    const then = await checkAccreditation(transport, { ...query, at: grantedAt.time });
    expect(then.accredited).toBe(true);
    expect(then.at).toBe(new Date(grantedAt.time).toISOString());
    expect(
      (await checkAccreditation(transport, { ...query, height: grantedAt.height })).accredited,
    ).toBe(true);
    expect(
      (await checkAccreditation(transport, { ...query, height: suspendedAt.height })).accredited,
    ).toBe(false);
    // A suspended authority grants nothing.
    const grant = accredit(transport, {
      subject: issuer.did,
      role: 'credentialIssuer',
      scope: { credentialTypes: [TRANSCRIPT] },
      validUntil: Date.now() + 30 * DAY,
      signer: authority.signer,
    });
    expect(await codeOf(grant)).toBe('unauthorized');

    await reinstateAccreditation(transport, { accreditation: authorityAcc, signer: gov(0, 1) });
    expect((await checkAccreditation(transport, query)).accredited).toBe(true);
    const history = (await getAccreditation(transport, authorityAcc)).history;
    expect(history.map((h) => h.status)).toEqual(['active', 'suspended', 'active']);
    expect(history[1]!.reason).toBe('audit');
  });

  it('lets the granting authority revoke its grant, finally; the holder may not', async () => {
    const byHolder = revokeAccreditation(transport, {
      accreditation: issuerAcc,
      signer: issuer.signer,
    });
    expect(await codeOf(byHolder)).toBe('unauthorized');
    const revoked = await revokeAccreditation(transport, {
      accreditation: issuerAcc,
      signer: authority.signer,
    });
    await blockOf(revoked.status);
    const query = {
      subject: issuer.did,
      role: 'credentialIssuer' as const,
      credentialType: DEGREE,
    };
    expect(await checkAccreditation(transport, query)).toMatchObject({
      accredited: false,
      reason: 'revoked',
    });
    expect((await checkAccreditation(transport, { ...query, at: grantedAt.time })).accredited).toBe(
      true,
    );
    const again = reinstateAccreditation(transport, {
      accreditation: issuerAcc,
      signer: authority.signer,
    });
    expect(await codeOf(again)).toBe('conflict');
    const stale = suspendAccreditation(transport, {
      accreditation: authorityAcc,
      previousVersion: 1,
      signer: gov(0, 1),
    });
    expect(await codeOf(stale)).toBe('staleVersion');
  });

  it('blocklists and delists a DID (regulator only)', async () => {
    const target = await newDid(transport);
    expect(await codeOf(getBlocklistEntry(transport, target.did))).toBe('notFound');
    await blocklist(transport, { did: target.did, reason: 'fraud', signer: gov(0, 2) });
    expect(await getBlocklistEntry(transport, target.did)).toMatchObject({
      did: target.did,
      listed: true,
    });
    const twice = blocklist(transport, { did: target.did, signer: gov(0, 2) });
    expect(await codeOf(twice)).toBe('conflict');
    await blocklist(transport, { did: target.did, listed: false, signer: gov(1, 2) });
    const entry = await getBlocklistEntry(transport, target.did);
    expect(entry.listed).toBe(false);
    expect(entry.history.map((h) => h.listed)).toEqual([true, false]);
  });

  it('registers and deregisters an organization', async () => {
    const orgDid = await newDid(transport);
    const uscc = code(name === 'http' ? 2 : 1);
    const byNobody = registerOrganization(transport, {
      uscc,
      did: orgDid.did,
      signer: orgDid.signer,
    });
    expect(await codeOf(byNobody)).toBe('unauthorized');
    await registerOrganization(transport, { uscc, did: orgDid.did, signer: gov(0, 1) });
    const record = await getOrganization(transport, uscc);
    // The kind defaults to what the code says (91: a business).
    expect(record).toMatchObject({ uscc, kind: 'business', primaryDid: orgDid.did, version: 1 });
    expect(await getOrganizationOfDid(transport, orgDid.did)).toEqual(record);
    await deregisterOrganization(transport, { uscc, reason: 'closed', signer: gov(1, 2) });
    expect((await getOrganization(transport, uscc)).primaryDid).toBeNull();
    expect(await codeOf(getOrganizationOfDid(transport, orgDid.did))).toBe('notFound');
  });

  it('changes the threshold with setGovernance; the new threshold applies', async () => {
    await setGovernance(transport, { threshold: 3, signer: gov(0, 1) });
    expect((await getGovernance(transport)).threshold).toBe(3);
    const target = await newDid(transport);
    const twoOfThree = blocklist(transport, { did: target.did, signer: gov(0, 1) });
    expect(await codeOf(twoOfThree)).toBe('unauthorized');
    await setGovernance(transport, { threshold: 2, signer: gov(0, 1, 2) });
    const config = await getGovernance(transport);
    expect(config.threshold).toBe(2);
    expect(config.keys).toEqual(t.genesis.governance.keys);
  });
});

describe('the two transports', () => {
  it('answer every registry read alike, including errors', async () => {
    const local = createClient(transports['in-process']!);
    const http = createClient(transports.http!);
    const [acc] = await local.listAccreditations({ subject: issuers['in-process']! });
    if (!acc) throw new Error('the in-process run accredited no issuer');
    const at = new Date(acc.history[0]!.time).toISOString();
    const reads: Array<(c: typeof local) => Promise<unknown>> = [
      (c) => c.getGovernance(),
      (c) => c.getAccreditation(acc.id),
      (c) => c.listAccreditations({ subject: acc.subject }),
      (c) => c.listAccreditations({ subject: acc.subject, role: 'credentialIssuer' }),
      (c) => c.checkAccreditation({ subject: acc.subject, role: acc.role, at }),
      (c) => c.checkAccreditation({ subject: acc.subject, role: acc.role, height: 1 }),
      (c) => c.getTemplate('edu.example.inprocess.degree'),
      (c) => c.getOrganization(code(1)),
    ];
    for (const read of reads) expect(await read(http)).toEqual(await read(local));

    const failures: Array<(c: typeof local) => Promise<unknown>> = [
      (c) => c.getAccreditation('0'.repeat(64)),
      (c) => c.getAccreditation('nope'),
      (c) => c.getAccreditation(''),
      (c) => c.listAccreditations({ subject: 'did:ddi:nope' }),
      (c) => c.checkAccreditation({ subject: acc.subject, role: acc.role, at: 'soon' }),
      (c) => c.checkAccreditation({ subject: acc.subject, role: acc.role, height: 10 ** 9 }),
      (c) => c.getBlocklistEntry(acc.subject),
      (c) => c.getTemplate('No Such'),
      (c) => c.getTemplate('edu.none'),
      (c) => c.getOrganization('123'),
      (c) => c.getOrganizationOfDid(acc.subject),
    ];
    for (const read of failures) {
      const [viaHttp, viaLocal] = [await codeOf(read(http)), await codeOf(read(local))];
      expect(viaHttp).not.toBe('resolved');
      expect(viaHttp).toBe(viaLocal);
    }
  });
});
