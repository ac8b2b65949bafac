import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sm3 } from '../../src/core/hash/index.ts';
import { decodeSdJwt } from '../../src/core/credentials/sd-jwt/index.ts';
import { canonicalJson } from '../../src/core/encoding/canonical-json.ts';
import { residentIdentityCheckCharacter } from '../../src/core/identity/resident-identity-number.ts';
import { usccCheckCharacter } from '../../src/core/org/unified-social-credit-code.ts';
import {
  accredit,
  agencyLedgerWriter,
  createClient,
  createStatusList,
  governanceSigners,
  httpTransport,
  orderDisclosure,
} from '../../src/clients/sdk/index.ts';
import type {
  DdiClient,
  DidSigner,
  GovernanceSigners,
  Transport,
} from '../../src/clients/sdk/index.ts';
import { presentCredentials, receiveCredential } from '../../src/clients/wallet/index.ts';
import type { StoredCredential } from '../../src/clients/wallet/index.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import {
  AGENCY_ACCESS_LOG_ID,
  ORGANIZATION_CERTIFICATE_TYPE,
  PERSON_CERTIFICATE_TYPE,
  realNameVerificationContext,
  startAgency,
  TestIdentityRegister,
} from '../../src/services/agency/index.ts';
import type {
  RunningAgency,
  TestOrganizationEntry,
  TestRegisterEntry,
} from '../../src/services/agency/index.ts';
import { signDidAuthProof } from '../../src/services/did-auth/did-auth-proof.ts';
import { newDid } from '../helpers/issuer-network.ts';
import { openTestNode, tempDir } from '../helpers/temp-node.ts';
import type { TestNode } from '../helpers/temp-node.ts';
import type { KeyPair } from '../../src/core/keys/index.ts';

type Person = { did: string; signer: DidSigner; keyPair: KeyPair };
type Verdict = { verified: boolean; reasons: string[]; claims?: Record<string, unknown> };

const YEAR = 365 * 24 * 3600 * 1000;
const TOKEN = 'agency-operator-token';
// A person born on 1990-03-07 in Beijing Chaoyang (the check character computed per GB 11643).
const ID_NUMBER = '11010519900307002' + residentIdentityCheckCharacter('11010519900307002');
const NAME = '张晓梅';
const REP_NUMBER = '44030419751120003' + residentIdentityCheckCharacter('44030419751120003');
const REP_NAME = '陈国栋';
const USCC = '91440300MA5F00001' + usccCheckCharacter('91440300MA5F00001');
const FACE_NUMBER = '23010219770707002' + residentIdentityCheckCharacter('23010219770707002');
const REGISTER: Array<TestRegisterEntry | TestOrganizationEntry> = [
  {
    documentType: 'residentIdentityNumber',
    number: FACE_NUMBER,
    name: '赵丽',
    assurance: 'high',
    faceCheck: 'face-match-token-7f3a',
  },
  {
    organization: {
      uscc: USCC,
      name: '深圳市示例科技有限公司',
      legalRepresentativeName: REP_NAME,
    },
  },
  {
    documentType: 'passport',
    number: 'C01X00T47',
    name: 'Erika Mustermann',
    birthDate: '1964-08-12',
    gender: 'female',
    nationality: 'DEU',
  },
  { documentType: 'residentIdentityNumber', number: ID_NUMBER, name: NAME },
  { documentType: 'residentIdentityNumber', number: REP_NUMBER, name: REP_NAME, assurance: 'high' },
];

let t: TestNode;
let api: FastifyInstance;
let nodeUrl: string;
let transport: Transport;
let client: DdiClient;
let gov: GovernanceSigners;
const networkKey = randomBytes(32);
const dirs = [tempDir('ddi-agency-a-'), tempDir('ddi-agency-b-')];
const agencies: RunningAgency[] = [];
const agencyDids: Person[] = [];

async function startOneAgency(dataDir: string): Promise<RunningAgency> {
  const agency = await newDid(client, 'sm2');
  agencyDids.push(agency);
  const validUntil = new Date(Date.now() + YEAR);
  await accredit(transport, {
    subject: agency.did,
    role: 'identityVerificationAgency',
    validUntil,
    signer: gov,
  });
  await accredit(transport, {
    subject: agency.did,
    role: 'credentialIssuer',
    scope: { credentialTypes: [PERSON_CERTIFICATE_TYPE, ORGANIZATION_CERTIFICATE_TYPE] },
    validUntil,
    signer: gov,
  });
  const running = await startAgency({
    agencyDid: agency.did,
    signingKey: {
      kid: agency.signer.kid,
      signer: { type: agency.keyPair.type, privateKey: agency.keyPair.privateKey },
    },
    ledger: client,
    writer: agencyLedgerWriter(transport, agency.signer),
    identitySource: new TestIdentityRegister(REGISTER),
    verification: realNameVerificationContext(client),
    networkKey,
    dataKey: randomBytes(32),
    dataDir,
    createStatusList: () => createStatusList(transport, { signer: agency.signer }),
    operatorToken: TOKEN,
    port: 0,
  });
  await running.service.ensureTemplates();
  return running;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies are read field by field
type Reply = { status: number; body: Record<string, any> };

async function call(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Reply['body'] } as Reply;
}

/** A fresh DID authentication proof for the agency (a challenge, signed). */
async function proofFor(agency: RunningAgency, who: Person, claims?: Record<string, unknown>) {
  const challenge = (await call(`${agency.url}/agency/challenges`, {})).body;
  return signDidAuthProof({
    kid: who.signer.kid,
    signer: { type: who.keyPair.type, privateKey: who.keyPair.privateKey },
    audience: challenge.audience,
    nonce: challenge.nonce,
    ...(claims ? { claims } : {}),
  });
}

async function registerPerson(agency: RunningAgency, who: Person, evidence: unknown) {
  return call(`${agency.url}/agency/persons`, { proof: await proofFor(agency, who), evidence });
}

async function verify(
  credential: StoredCredential,
  who: Person,
  claims: string[],
): Promise<Verdict> {
  const request = (
    await call(`${nodeUrl}/v1/verifier/requests`, {
      dcql_query: {
        credentials: [
          {
            id: 'id',
            format: 'dc+sd-jwt',
            meta: { vct_values: [PERSON_CERTIFICATE_TYPE] },
            claims: claims.map((c) => ({ path: [c] })),
          },
        ],
      },
    })
  ).body as { nonce: string; client_id: string; dcql_query: unknown };
  const { vp_token } = presentCredentials(request, [credential], () => ({
    type: who.keyPair.type,
    privateKey: who.keyPair.privateKey,
  }));
  return (
    await call(`${nodeUrl}/v1/verifier/presentations`, {
      nonce: request.nonce,
      format: 'dc+sd-jwt',
      presentation: vp_token.id![0],
    })
  ).body as Verdict;
}

beforeAll(async () => {
  t = await openTestNode();
  api = await buildHttpServer(t.node);
  await api.listen({ host: '127.0.0.1', port: 0 });
  nodeUrl = `http://127.0.0.1:${(api.server.address() as { port: number }).port}`;
  transport = httpTransport(nodeUrl);
  client = createClient(transport);
  const r = t.regulator!;
  gov = governanceSigners(
    r.did,
    [0, 1].map((i) => ({ id: `gov-${i + 1}`, keyPair: r.governanceKeys[i]! })),
  );
  for (const d of dirs) agencies.push(await startOneAgency(d.dir));
});
afterAll(async () => {
  for (const a of agencies) await a.close();
  await api.close();
  await t.close();
  for (const d of dirs) d.cleanup();
});

let firstRegistered: Person | undefined;
let firstCertificate: StoredCredential | undefined;
async function firstPerson(): Promise<Person> {
  if (!firstRegistered) throw new Error('the registration test runs first');
  return firstRegistered;
}

describe('real-name registration end to end', () => {
  let person: Person;
  let certificate: StoredCredential;

  it('registers a person, whose wallet collects a certificate that proves age_over_18 without name or number', async () => {
    person = await newDid(client, 'ed25519');
    const { status, body } = await registerPerson(agencies[0]!, person, {
      documentType: 'residentIdentityNumber',
      number: ID_NUMBER,
      name: NAME,
    });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ did: person.did, assurance: 'substantial', renewal: false });
    expect(body.networkId).toMatch(/^N[A-Z2-7]{26}$/);
    expect((await client.getRealNameRegistration(person.did)).agency).toBe(agencyDids[0]!.did);

    certificate = {
      ...(await receiveCredential({
        offerUri: body.offer.offer_uri,
        holder: { kid: person.signer.kid, keyPair: person.keyPair },
        format: 'dc+sd-jwt',
      })),
      id: 'realname',
    };
    firstRegistered = person;
    firstCertificate = certificate;
    const verdict = await verify(certificate, person, ['age_over_18', 'real_name_verified']);
    expect(verdict.reasons).toEqual([]);
    expect(verdict.verified).toBe(true);
    expect(verdict.claims).toMatchObject({
      age_over_18: true,
      real_name_verified: true,
      assurance_level: 'substantial',
    });
    for (const hidden of ['name', 'id_number', 'birth_date', 'network_id', 'gender']) {
      expect(verdict.claims).not.toHaveProperty(hidden);
    }
  });

  it('refuses the same identity number under a second DID, at the same agency and at another', async () => {
    const second = await newDid(client, 'ed25519');
    for (const agency of agencies) {
      const { status, body } = await registerPerson(agency, second, {
        documentType: 'residentIdentityNumber',
        number: ID_NUMBER,
        name: NAME,
      });
      expect(status).toBe(409);
      expect(body.details?.reason).toBe('alreadyRegistered');
    }
    await expect(client.getRealNameRegistration(second.did)).rejects.toMatchObject({
      code: 'notFound',
    });
    // The same DID again is a renewal: a new certificate, no second binding.
    const renewal = await registerPerson(agencies[0]!, person, {
      documentType: 'residentIdentityNumber',
      number: ID_NUMBER,
      name: NAME,
    });
    expect(renewal.status).toBe(201);
    expect(renewal.body.renewal).toBe(true);
  });

  it('refuses evidence the identity source does not confirm, bad formats, stale or foreign proofs', async () => {
    const someone = await newDid(client, 'ed25519');
    const wrongName = await registerPerson(agencies[0]!, someone, {
      documentType: 'residentIdentityNumber',
      number: REP_NUMBER,
      name: '李四',
    });
    expect(wrongName.status).toBe(422);
    expect(wrongName.body.details?.reason).toBe('identityNotVerified');
    const badCheck = await registerPerson(agencies[0]!, someone, {
      documentType: 'residentIdentityNumber',
      number: ID_NUMBER.slice(0, 17) + (ID_NUMBER[17] === '1' ? '2' : '1'),
      name: NAME,
    });
    expect(badCheck.status).toBe(400);
    // The register knows the passport holder's birth date: a typed younger one is refused.
    const passport = {
      documentType: 'passport',
      number: 'C01X00T47',
      name: 'Erika Mustermann',
      gender: 'female',
      nationality: 'DEU',
    };
    const younger = await registerPerson(agencies[0]!, someone, {
      ...passport,
      birthDate: '2008-01-01',
    });
    expect(younger.status).toBe(422);
    expect(younger.body.details).toMatchObject({
      reason: 'attributesMismatch',
      field: 'birthDate',
    });
    // A proof replayed (its challenge used), or made for another agency, or signed by another key.
    const proof = await proofFor(agencies[0]!, someone);
    const evidence = {
      documentType: 'passport',
      number: 'X1234567',
      nationality: 'DEU',
      name: 'A',
      birthDate: '1990-01-01',
      gender: 'male',
    };
    expect((await call(`${agencies[0]!.url}/agency/persons`, { proof, evidence })).status).toBe(
      422,
    );
    const replay = await call(`${agencies[0]!.url}/agency/persons`, { proof, evidence });
    expect(replay.status).toBe(422);
    expect(replay.body.details?.reason).toBe('nonceUnknown');
    const forB = await proofFor(agencies[1]!, someone);
    const wrongAudience = await call(`${agencies[0]!.url}/agency/persons`, {
      proof: forB,
      evidence,
    });
    expect(wrongAudience.body.details?.reason).toBe('audienceMismatch');
    const [h, p] = (await proofFor(agencies[0]!, someone)).split('.');
    const forged = await call(`${agencies[0]!.url}/agency/persons`, {
      proof: `${h}.${p}.${Buffer.alloc(64, 1).toString('base64url')}`,
      evidence,
    });
    expect(forged.status).toBe(401);
    await expect(client.getRealNameRegistration(someone.did)).rejects.toMatchObject({
      code: 'notFound',
    });
  });

  it('gives assurance high only with a face check the identity source accepts', async () => {
    const evidence = { documentType: 'residentIdentityNumber', number: FACE_NUMBER, name: '赵丽' };
    const withoutFace = await registerPerson(
      agencies[1]!,
      await newDid(client, 'ed25519'),
      evidence,
    );
    expect(withoutFace.status, JSON.stringify(withoutFace.body)).toBe(201);
    expect(withoutFace.body.assurance).toBe('substantial');
    // The same person, now with the face check: a higher assurance displaces the first DID.
    const person = await newDid(client, 'ed25519');
    const withFace = await call(`${agencies[0]!.url}/agency/persons`, {
      proof: await proofFor(agencies[0]!, person),
      evidence,
      faceCheck: 'face-match-token-7f3a',
    });
    expect(withFace.status, JSON.stringify(withFace.body)).toBe(201);
    expect(withFace.body.assurance).toBe('high');
    expect((await client.getRealNameRegistration(person.did)).assurance).toBe('high');
  });

  it("registers an organization on its legal representative's real-name certificate; impostors and other credentials are refused", async () => {
    const repEvidence = {
      documentType: 'residentIdentityNumber',
      number: REP_NUMBER,
      name: REP_NAME,
    };
    const rep = await newDid(client, 'p256');
    const impostor = await newDid(client, 'p256');
    const org = await newDid(client, 'sm2');
    // The representative registered at agency A; the organization registers at agency B.
    const registered = await registerPerson(agencies[0]!, rep, repEvidence);
    expect(registered.status).toBe(201);
    const repCertificate: StoredCredential = {
      ...(await receiveCredential({
        offerUri: registered.body.offer.offer_uri,
        holder: { kid: rep.signer.kid, keyPair: rep.keyPair },
        format: 'dc+sd-jwt',
      })),
      id: 'rep',
    };
    const agency = agencies[1]!;
    /** The representative's presentation for agency B: network_id only. */
    const present = async (
      credential: StoredCredential,
      holder: Person,
      claims = ['network_id', 'name'],
    ) => {
      const challenge = (await call(`${agency.url}/agency/challenges`, {})).body;
      const { vp_token } = presentCredentials(
        {
          nonce: challenge.nonce,
          client_id: challenge.audience,
          dcql_query: {
            credentials: [
              {
                id: 'realname',
                format: 'dc+sd-jwt',
                meta: { vct_values: [PERSON_CERTIFICATE_TYPE] },
                claims: claims.map((claim) => ({ path: [claim] })),
              },
            ],
          },
        },
        [credential],
        () => ({ type: holder.keyPair.type, privateKey: holder.keyPair.privateKey }),
      );
      return { presentation: vp_token.realname![0]!, nonce: challenge.nonce as string };
    };
    const register = async (who: Person, shown: { presentation: string; nonce: string }) =>
      call(`${agency.url}/agency/organizations`, {
        proof: await proofFor(agency, org),
        uscc: USCC,
        name: '深圳市示例科技有限公司',
        legalRepresentative: {
          proof: await proofFor(agency, who, { uscc: USCC, organization: org.did }),
          ...shown,
        },
      });

    // The representative's proof must name this organization: consent for another is no consent.
    const unbound = await call(`${agency.url}/agency/organizations`, {
      proof: await proofFor(agency, org),
      uscc: USCC,
      name: '深圳市示例科技有限公司',
      legalRepresentative: {
        proof: await proofFor(agency, rep, { uscc: USCC, organization: impostor.did }),
        ...(await present(repCertificate, rep)),
      },
    });
    expect(unbound.status).toBe(403);
    expect(unbound.body.details?.reason).toBe('proofNotForOrganization');
    // An impostor with the representative's presentation: bound to another key.
    const impostorTry = await register(impostor, await present(repCertificate, rep));
    expect(impostorTry.status).toBe(403);
    expect(impostorTry.body.details?.reason).toBe('legalRepresentativeNotVerified');
    // A presentation that withholds network_id.
    const withheld = await register(rep, await present(repCertificate, rep, ['age_over_18']));
    expect(withheld.status).toBe(403);
    // The same presentation twice: its nonce is spent.
    const shown = await present(repCertificate, rep);
    const replayed = await register(rep, shown);
    expect(replayed.status, JSON.stringify(replayed.body)).toBe(201);
    const again = await register(rep, shown);
    expect(again.status).toBe(422);
    expect(again.body.details?.reason).toBe('nonceUnknown');

    expect((await client.getOrganization(USCC)).primaryDid).toBe(org.did);
    const orgCertificate = await receiveCredential({
      offerUri: replayed.body.offer.offer_uri,
      holder: { kid: org.signer.kid, keyPair: org.keyPair },
      format: 'dc+sd-jwt',
    });
    const claims = decodeSdJwt(orgCertificate.credential).disclosures.map((d) => d.value);
    expect(claims).toContain(registered.body.networkId);
    expect(claims).toContain(USCC);
    // The business register confirmed code, name and representative: the certificate says so.
    expect(replayed.body.assurance).toBe('substantial');
    // A company the representative does not represent (per the register) is refused.
    const otherCompany = await call(`${agency.url}/agency/organizations`, {
      proof: await proofFor(agency, org),
      uscc: USCC,
      name: '别的公司',
      legalRepresentative: {
        proof: await proofFor(agency, rep, { uscc: USCC, organization: org.did }),
        ...(await present(repCertificate, rep)),
      },
    });
    expect(otherCompany.status).toBe(403);
    expect(otherCompany.body.details?.reason).toBe('organizationNotVerified');
    // Agency B never saw the representative's number: not in its store, not in the certificate.
    expect(JSON.stringify(claims)).not.toContain(REP_NUMBER);
    expect(agency.store.personByDid(rep.did)).toBeUndefined();

    // Once the representative's certificate is revoked (fraud), it no longer vouches.
    const revoked = await call(
      `${agencies[0]!.url}/agency/revocations`,
      { subject: registered.body.networkId, reason: 'fraud' },
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(revoked.status).toBe(200);
    const afterRevocation = await register(rep, await present(repCertificate, rep));
    expect(afterRevocation.status).toBe(403);
    expect(afterRevocation.body.details?.verdict).toContain('revoked');
  });
});

describe('supervised disclosure', () => {
  let subject: Person;
  let police: Person;
  let bystander: Person;
  const agency = () => agencies[0]!;
  const order = async (recipient: string) =>
    (
      await orderDisclosure(transport, {
        subject: subject.did,
        recipient,
        legalBasis: '《中华人民共和国刑事诉讼法》第一百三十七条',
        caseReference: '(2026)京0105刑初123号',
        validUntil: new Date(Date.now() + 7 * 24 * 3600 * 1000),
        signer: gov,
      })
    ).orderId;
  const disclose = async (who: Person, orderId: string, claimedOrder = orderId) =>
    call(`${agency().url}/agency/disclosures`, {
      orderId,
      proof: await proofFor(agency(), who, { orderId: claimedOrder }),
    });

  beforeAll(async () => {
    subject = await firstPerson();
    police = await newDid(client, 'sm2');
    bystander = await newDid(client, 'ed25519');
  });

  it('answers only the named recipient of an order on the ledger, once, and records the fulfilment', async () => {
    const withoutOrder = await disclose(police, 'NoSuchOrder123');
    expect(withoutOrder.status).toBe(403);
    expect(withoutOrder.body.code).toBe('forbidden');
    const orderId = await order(police.did);
    const notRecipient = await disclose(bystander, orderId);
    expect(notRecipient.status).toBe(403);
    expect(notRecipient.body.details?.reason).toBe('notRecipient');
    const proofForOtherOrder = await disclose(police, orderId, 'SomeOtherOrder1');
    expect(proofForOtherOrder.status).toBe(403);

    const { status, body } = await disclose(police, orderId);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.response.identity).toMatchObject({
      name: NAME,
      number: ID_NUMBER,
      birthDate: '1990-03-07',
    });
    const recorded = await client.getDisclosureOrder(orderId);
    expect(recorded.fulfilment?.responseHash).toBe(body.responseHash);
    // The access log that records the disclosure is anchored on the ledger.
    const anchor = await client.getAuditAnchor(agencyDids[0]!.did, AGENCY_ACCESS_LOG_ID);
    const anchoredEntry = agency()
      .store.accessLog()
      .find((e) => e.seq === anchor.sequence);
    expect(anchoredEntry?.hash).toBe(anchor.head);
    expect(anchoredEntry?.action).toBe('disclose');
    expect(createHash('sha256').update(canonicalJson(body.response)).digest('base64url')).toBe(
      body.responseHash,
    );
    const again = await disclose(police, orderId);
    expect(again.status).toBe(403);
    expect(again.body.details?.reason).toBe('fulfilled');

    const log = agency().store.accessLog();
    const refusals = log.filter((e) => e.action === 'disclose' && e.outcome === 'refused');
    expect(refusals.map((e) => e.actor)).toEqual(
      expect.arrayContaining([police.did, bystander.did]),
    );
    expect(refusals.length).toBeGreaterThanOrEqual(4);
    expect(log.filter((e) => e.action === 'disclose' && e.outcome === 'allowed')).toHaveLength(1);
    expect(agency().store.verifyAccessLog()).toEqual({ ok: true, entries: log.length });
    // No personal data in the log itself.
    expect(JSON.stringify(log)).not.toContain(NAME);
    expect(JSON.stringify(log)).not.toContain(ID_NUMBER);
  });
});

describe('revocation and the access log', () => {
  it("revokes a person's certificates on loss; the verifier then says revoked", async () => {
    const person = await firstPerson();
    const networkId = agencies[0]!.store.personByDid(person.did)!.networkId;
    const unauthorized = await call(`${agencies[0]!.url}/agency/revocations`, {
      subject: networkId,
      reason: 'lost',
    });
    expect(unauthorized.status).toBe(403);
    const badReason = await call(
      `${agencies[0]!.url}/agency/revocations`,
      { subject: networkId, reason: 'bored' },
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(badReason.status).toBe(400);
    const { status, body } = await call(
      `${agencies[0]!.url}/agency/revocations`,
      { subject: networkId, reason: 'lost' },
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.revoked).toBeGreaterThanOrEqual(1);
    const verdict = await verify(firstCertificate!, person, ['age_over_18']);
    expect(verdict.verified).toBe(false);
    expect(verdict.reasons).toContain('revoked');
  });

  it('detects a tampered access log', () => {
    const store = agencies[0]!.store;
    expect(store.verifyAccessLog().ok).toBe(true);
    const db = (
      store as unknown as { db: { prepare(sql: string): { run(...a: unknown[]): void } } }
    ).db;
    db.prepare("UPDATE access_log SET actor = 'someone-else' WHERE seq = 2").run();
    expect(store.verifyAccessLog()).toEqual({ ok: false, brokenAt: 2 });
  });
});

describe('privacy: nothing personal on the ledger', () => {
  it('finds no name, identity number, birth date, nor SHA-256/SM3 of a number in any byte the ledger stored', () => {
    const numbers = [ID_NUMBER, REP_NUMBER];
    const needles: Array<[string, Buffer]> = [];
    const text = (label: string, value: string) =>
      needles.push([label, Buffer.from(value, 'utf8')]);
    for (const value of [NAME, REP_NAME, '深圳市示例科技有限公司']) text(`name ${value}`, value);
    for (const n of numbers) {
      text(`number ${n}`, n);
      text(`birth date of ${n}`, n.slice(6, 14));
      text(`birth date of ${n}`, `${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}`);
      for (const [alg, digest] of [
        ['sha256', createHash('sha256').update(n).digest()],
        ['sm3', Buffer.from(sm3(Buffer.from(n)))],
      ] as const) {
        needles.push([`${alg}(${n}) raw`, digest]);
        for (const encoding of ['hex', 'base64', 'base64url'] as const) {
          text(`${alg}(${n}) ${encoding}`, digest.toString(encoding).replace(/=+$/, ''));
        }
        text(`${alg}(${n}) HEX`, digest.toString('hex').toUpperCase());
      }
    }
    const files = readdirSync(t.dataDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
    expect(files.some((f) => f.endsWith('.sqlite') || f.endsWith('.db'))).toBe(true);
    let scanned = 0;
    for (const file of files) {
      const bytes = readFileSync(file);
      scanned += bytes.length;
      for (const [label, needle] of needles) {
        expect(bytes.includes(needle), `${label} found in ${file}`).toBe(false);
      }
    }
    expect(scanned).toBeGreaterThan(10_000);
    // The scan can find what it looks for: the agency's own store holds the sealed identity
    // (not in clear), and its network id appears in the certificate, not on the ledger.
    const agencyBytes = readFileSync(join(dirs[0]!.dir, 'agency.sqlite'));
    expect(agencyBytes.includes(Buffer.from(NAME))).toBe(false);
    expect(
      Buffer.concat(files.map((f) => readFileSync(f))).includes(Buffer.from(agencyDids[0]!.did)),
    ).toBe(true);
  });
});
