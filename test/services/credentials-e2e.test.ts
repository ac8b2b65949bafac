import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { decodeCompactJwsUnverified } from '../../src/core/credentials/jws/index.ts';
import { issueSdJwtVc } from '../../src/core/credentials/sd-jwt/index.ts';
import { publicKeyToJwk } from '../../src/core/keys/index.ts';
import type { KeyPair } from '../../src/core/keys/index.ts';
import { decodeBitstring, decodeTokenStatusList } from '../../src/core/status/index.ts';
import {
  accredit,
  createClient,
  createStatusList,
  governanceSigners,
  httpTransport,
  registerTemplate,
  reinstateAccreditation,
  reinstateCredential,
  revokeCredential,
  suspendAccreditation,
  suspendCredential,
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
import { startIssuer, STATUS_LIST_FILE } from '../../src/services/issuer/index.ts';
import type { RunningIssuer } from '../../src/services/issuer/index.ts';
import { STATUS_INDEX_FILE } from '../../src/services/status/status-index-allocator.ts';
import {
  DEGREE,
  DEGREE_CLAIMS,
  degreeTemplate,
  newDid,
  OPERATOR_TOKEN,
  TEMPLATE_ID,
} from '../helpers/issuer-network.ts';
import { openTestNode, tempDir } from '../helpers/temp-node.ts';
import type { TestNode } from '../helpers/temp-node.ts';

type Verdict = { verified: boolean; reasons: string[]; claims?: Record<string, unknown> };

let t: TestNode;
let api: FastifyInstance;
let nodeUrl: string;
let transport: Transport;
let client: DdiClient;
let gov: GovernanceSigners;
let issuer: { did: string; signer: DidSigner; keyPair: KeyPair };
let holder: { did: string; signer: DidSigner; keyPair: KeyPair };
let accreditation: string;
let service: RunningIssuer;
const dataDir = tempDir('ddi-issuer-');

const holderSigner = () => ({ type: holder.keyPair.type, privateKey: holder.keyPair.privateKey });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${nodeUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function receive(format: 'dc+sd-jwt' | 'jwt_vc_json'): Promise<StoredCredential> {
  const response = await fetch(`${service.url}/offers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_TOKEN}` },
    body: JSON.stringify({ template: TEMPLATE_ID, claims: DEGREE_CLAIMS, holder: holder.did }),
  });
  expect(response.status).toBe(201);
  const offer = (await response.json()) as { offer_uri: string };
  const received = await receiveCredential({
    offerUri: offer.offer_uri,
    holder: { kid: holder.signer.kid, keyPair: holder.keyPair },
    format,
  });
  return { ...received, id: `${format}-${Math.random()}` };
}

/** Asks the node's verifier for 2 of the 8 claims, presents them, returns the verdict. */
async function presentToVerifier(
  credential: StoredCredential,
  options: { replay?: boolean } = {},
): Promise<Verdict & { replayed?: Verdict }> {
  const sd = credential.format === 'dc+sd-jwt';
  const dcql_query = {
    credentials: [
      {
        id: 'degree',
        format: credential.format,
        meta: sd ? { vct_values: [DEGREE] } : { type_values: [['VerifiableCredential', DEGREE]] },
        claims: sd
          ? [{ path: ['degree'] }, { path: ['year'] }]
          : [{ path: ['credentialSubject', 'degree'] }, { path: ['credentialSubject', 'year'] }],
      },
    ],
  };
  const request = (await post('/v1/verifier/requests', { dcql_query })) as {
    nonce: string;
    client_id: string;
    dcql_query: unknown;
  };
  const { vp_token } = presentCredentials(request, [credential], holderSigner);
  const body = {
    nonce: request.nonce,
    format: credential.format,
    presentation: vp_token.degree![0]!,
  };
  const verdict = (await post('/v1/verifier/presentations', body)) as unknown as Verdict;
  if (!options.replay) return verdict;
  return { ...verdict, replayed: (await post('/v1/verifier/presentations', body)) as never };
}

/** An SD-JWT VC made directly (not by the service), bound to the holder's key. */
function directSdJwtVc(from: {
  did: string;
  signer: DidSigner;
  keyPair: KeyPair;
}): StoredCredential {
  const now = Math.floor(Date.now() / 1000);
  const credential = issueSdJwtVc({
    header: { kid: from.signer.kid },
    payload: {
      ...DEGREE_CLAIMS,
      iss: from.did,
      iat: now,
      exp: now + 3600,
      vct: DEGREE,
      cnf: { jwk: publicKeyToJwk(holder.keyPair.type, holder.keyPair.publicKey) },
    } as never,
    disclosable: Object.keys(DEGREE_CLAIMS).map((name) => [name]),
    signer: { type: from.keyPair.type, privateKey: from.keyPair.privateKey },
  });
  return {
    id: `direct-${Math.random()}`,
    format: 'dc+sd-jwt',
    credential,
    issuerUrl: 'https://issuer.example',
    credentialConfigurationId: `${TEMPLATE_ID}.dc+sd-jwt`,
    holderKid: holder.signer.kid,
    received: new Date().toISOString(),
  };
}

function statusOf(credential: StoredCredential): { idx: number; uri: string } {
  if (credential.format === 'dc+sd-jwt') {
    const payload = decodeCompactJwsUnverified(credential.credential.split('~')[0]!).payload as {
      status: { status_list: { idx: number; uri: string } };
    };
    return payload.status.status_list;
  }
  const { credentialStatus } = decodeCompactJwsUnverified(credential.credential).payload as {
    credentialStatus: { statusListIndex: string; statusListCredential: string; type: string };
  };
  expect(credentialStatus.type).toBe('BitstringStatusListEntry');
  return {
    idx: Number(credentialStatus.statusListIndex),
    uri: credentialStatus.statusListCredential,
  };
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
  issuer = await newDid(client, 'p256');
  holder = await newDid(client, 'ed25519');
  // The regulator accredits the issuer for degrees; the issuer registers its 8-claim template.
  accreditation = (
    await accredit(transport, {
      subject: issuer.did,
      role: 'credentialIssuer',
      scope: { credentialTypes: [DEGREE] },
      validUntil: new Date(Date.now() + 365 * 24 * 3600 * 1000),
      signer: gov,
    })
  ).accreditation;
  await registerTemplate(transport, { template: degreeTemplate(), signer: issuer.signer });
  service = await startIssuer({
    issuerDid: issuer.did,
    signingKey: {
      kid: issuer.signer.kid,
      signer: { type: issuer.keyPair.type, privateKey: issuer.keyPair.privateKey },
    },
    ledger: client,
    templateIds: [TEMPLATE_ID],
    operatorToken: OPERATOR_TOKEN,
    port: 0,
    status: {
      dataDir: dataDir.dir,
      createList: () => createStatusList(transport, { signer: issuer.signer }),
    },
  });
}, 60_000);

afterAll(async () => {
  await service?.close();
  await api?.close();
  await t?.close();
  dataDir.cleanup();
});

describe('credentials end to end: accredit, issue, hold, present, verify, revoke', () => {
  it('the issuer created its status list at start and keeps its id and allocator in its data dir', async () => {
    expect(service.statusListId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    const saved = JSON.parse(readFileSync(join(dataDir.dir, STATUS_LIST_FILE), 'utf8')) as {
      listId: string;
    };
    expect(saved.listId).toBe(service.statusListId);
    expect(existsSync(join(dataDir.dir, STATUS_INDEX_FILE))).toBe(true);
    const list = await client.getStatusList(issuer.did, service.statusListId!);
    expect(list.owner).toBe(issuer.did);
  });

  it('accepts 2 of 8 claims from an SD-JWT VC and a vc+jwt received over OpenID4VCI, and rejects them once revoked', async () => {
    const sdJwt = await receive('dc+sd-jwt');
    const vcJwt = await receive('jwt_vc_json');
    const sdStatus = statusOf(sdJwt);
    const vcStatus = statusOf(vcJwt);
    expect(sdStatus.uri).toBe(`${service.url}/status/${service.statusListId}`);
    expect(vcStatus.uri).toBe(sdStatus.uri);
    expect(sdStatus.idx).not.toBe(vcStatus.idx);

    for (const credential of [sdJwt, vcJwt]) {
      const ok = await presentToVerifier(credential);
      expect(ok.reasons).toEqual([]);
      expect(ok.verified).toBe(true);
    }
    const ok = await presentToVerifier(sdJwt);
    expect(ok.claims).toMatchObject({ degree: DEGREE_CLAIMS.degree, year: DEGREE_CLAIMS.year });
    expect(ok.claims).not.toHaveProperty('givenName');
    expect(ok.claims).not.toHaveProperty('gpa');

    for (const { idx } of [sdStatus, vcStatus]) {
      await revokeCredential(transport, {
        signer: issuer.signer,
        listId: service.statusListId!,
        index: idx,
      });
    }
    for (const credential of [sdJwt, vcJwt]) {
      const revoked = await presentToVerifier(credential);
      expect(revoked.verified).toBe(false);
      expect(revoked.reasons).toEqual(['revoked']);
    }

    // The issuer's own status endpoint: a signed Token Status List with the index revoked.
    const response = await fetch(sdStatus.uri);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/statuslist+jwt');
    const token = decodeCompactJwsUnverified(await response.text());
    expect(token.header).toMatchObject({ typ: 'statuslist+jwt', kid: issuer.signer.kid });
    expect(token.payload).toMatchObject({ sub: sdStatus.uri, iss: issuer.did });
    const lst = decodeTokenStatusList(
      (token.payload as { status_list: { bits: number; lst: string } }).status_list,
    );
    expect(lst.statusAt(sdStatus.idx)).toBe(1);
    expect(lst.statusAt(vcStatus.idx)).toBe(1);

    // And as a Bitstring Status List credential for the vc+jwt's entry.
    const bitstring = await fetch(vcStatus.uri, { headers: { accept: 'application/vc+jwt' } });
    expect(bitstring.status).toBe(200);
    const vc = decodeCompactJwsUnverified(await bitstring.text());
    expect(vc.header.typ).toBe('vc+jwt');
    const subject = (
      vc.payload as { credentialSubject: { statusPurpose: string; encodedList: string } }
    ).credentialSubject;
    expect(subject.statusPurpose).toBe('revocation');
    expect(decodeBitstring(subject.encodedList).statusAt(vcStatus.idx)).toBe(1);
  });

  it('rejects a suspended credential and accepts it again once reinstated', async () => {
    const credential = await receive('dc+sd-jwt');
    const { idx } = statusOf(credential);
    const entry = { signer: issuer.signer, listId: service.statusListId!, index: idx };
    await suspendCredential(transport, entry);
    const suspended = await presentToVerifier(credential);
    expect(suspended.verified).toBe(false);
    expect(suspended.reasons).toEqual(['suspended']);
    await reinstateCredential(transport, entry);
    expect((await presentToVerifier(credential)).verified).toBe(true);
  });

  it('rejects a credential from an issuer that was never accredited', async () => {
    const stranger = await newDid(client, 'ed25519');
    const verdict = await presentToVerifier(directSdJwtVc(stranger));
    expect(verdict.verified).toBe(false);
    expect(verdict.reasons).toContain('notAccredited');
  });

  it("rejects a credential issued while the issuer's accreditation was suspended", async () => {
    await suspendAccreditation(transport, { accreditation, signer: gov });
    // The service itself refuses to issue now.
    const refused = await fetch(`${service.url}/offers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_TOKEN}` },
      body: JSON.stringify({ template: TEMPLATE_ID, claims: DEGREE_CLAIMS }),
    });
    expect(refused.status).toBe(403);
    await sleep(1100); // iat has second precision
    const duringSuspension = directSdJwtVc(issuer);
    await sleep(1100);
    await reinstateAccreditation(transport, { accreditation, signer: gov });
    const verdict = await presentToVerifier(duringSuspension);
    expect(verdict.verified).toBe(false);
    expect(verdict.reasons).toEqual(['suspended']);
    // Issued after reinstatement: accepted.
    expect((await presentToVerifier(await receive('dc+sd-jwt'))).verified).toBe(true);
  });

  it('rejects a replayed presentation (the same nonce twice)', async () => {
    const credential = await receive('dc+sd-jwt');
    const { verified, replayed } = await presentToVerifier(credential, { replay: true });
    expect(verified).toBe(true);
    expect(replayed!.verified).toBe(false);
    expect(replayed!.reasons).toContain('nonceUnknown');
  });
});
