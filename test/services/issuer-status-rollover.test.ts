import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { decodeCompactJwsUnverified } from '../../src/core/credentials/jws/index.ts';
import { DdiError } from '../../src/core/errors.ts';
import { decodeTokenStatusList } from '../../src/core/status/index.ts';
import { receiveCredential, presentCredentials } from '../../src/clients/wallet/index.ts';
import type { StoredCredential } from '../../src/clients/wallet/index.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import {
  openIssuerStatusList,
  startIssuer,
  STATUS_LIST_FILE,
} from '../../src/services/issuer/index.ts';
import type {
  IssuedCredential,
  IssuerStatusOptions,
  RunningIssuer,
} from '../../src/services/issuer/index.ts';
import {
  createOffer,
  DEGREE,
  DEGREE_CLAIMS,
  OPERATOR_TOKEN,
  openIssuerNetwork,
  TEMPLATE_ID,
} from '../helpers/issuer-network.ts';
import type { IssuerNetwork } from '../helpers/issuer-network.ts';
import { tempDir } from '../helpers/temp-node.ts';

// Status-list rollover: an issuer whose current list reached its fill limit creates a new list
// on the ledger and goes on; older lists stay served and revocable; a restart resumes.

const LIST_SIZE = 131_072;
/** Two entries per list: a fill limit small enough to roll over in a test. */
const TWO_PER_LIST = 2 / LIST_SIZE;

let n: IssuerNetwork;
let nodeApi: FastifyInstance;
let nodeUrl: string;
const dir = tempDir('ddi-issuer-rollover-');

beforeAll(async () => {
  n = await openIssuerNetwork();
  nodeApi = await buildHttpServer(n.t.node);
  await nodeApi.listen({ host: '127.0.0.1', port: 0 });
  nodeUrl = `http://127.0.0.1:${(nodeApi.server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await nodeApi?.close();
  await n?.close();
  dir.cleanup();
});

function statusOptions(dataDir: string, fillLimit = TWO_PER_LIST): IssuerStatusOptions {
  return {
    dataDir,
    fillLimit,
    createList: () => n.client.createStatusList({ signer: n.issuer.signer }),
  };
}

async function startWithStatus(
  dataDir: string,
  issued: IssuedCredential[],
): Promise<RunningIssuer> {
  return startIssuer({
    issuerDid: n.issuer.did,
    signingKey: {
      kid: n.issuer.signer.kid,
      signer: {
        type: n.issuer.signer.keyPair.type,
        privateKey: n.issuer.signer.keyPair.privateKey,
      },
    },
    ledger: n.client,
    templateIds: [TEMPLATE_ID],
    operatorToken: OPERATOR_TOKEN,
    port: 0,
    status: statusOptions(dataDir),
    onIssued: (event) => issued.push(event),
  });
}

async function issue(service: RunningIssuer): Promise<StoredCredential> {
  const offer = await createOffer(service, { template: TEMPLATE_ID, claims: DEGREE_CLAIMS });
  expect(offer.status).toBe(201);
  const received = await receiveCredential({
    offerUri: offer.body.offer_uri as string,
    holder: { kid: n.holder.kid, keyPair: n.holder.keyPair },
    format: 'dc+sd-jwt',
  });
  return { ...received, id: `c-${Math.random()}` };
}

function entryOf(credential: StoredCredential): { listId: string; idx: number; uri: string } {
  const { status } = decodeCompactJwsUnverified(credential.credential.split('~')[0]!).payload as {
    status: { status_list: { idx: number; uri: string } };
  };
  const { idx, uri } = status.status_list;
  return { idx, uri, listId: uri.split('/').at(-1)! };
}

function savedLists(dataDir: string): { listId: string; lists: string[] } {
  return JSON.parse(readFileSync(join(dataDir, STATUS_LIST_FILE), 'utf8')) as {
    listId: string;
    lists: string[];
  };
}

async function servedStatus(uri: string, idx: number): Promise<number> {
  const response = await fetch(uri);
  expect(response.status).toBe(200);
  const { payload } = decodeCompactJwsUnverified(await response.text());
  const list = (payload as { status_list: { bits: number; lst: string } }).status_list;
  return decodeTokenStatusList(list).statusAt(idx);
}

async function verdictFor(credential: StoredCredential): Promise<{ reasons: string[] }> {
  const post = async (path: string, body: unknown) =>
    (await (
      await fetch(`${nodeUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json()) as Record<string, unknown>;
  const dcql_query = {
    credentials: [
      {
        id: 'd',
        format: 'dc+sd-jwt',
        meta: { vct_values: [DEGREE] },
        claims: [{ path: ['year'] }],
      },
    ],
  };
  const request = (await post('/v1/verifier/requests', { dcql_query })) as {
    nonce: string;
    client_id: string;
  };
  const { vp_token } = presentCredentials({ ...request, dcql_query }, [credential], () => ({
    type: n.holder.keyPair.type,
    privateKey: n.holder.keyPair.privateKey,
  }));
  return (await post('/v1/verifier/presentations', {
    nonce: request.nonce,
    format: 'dc+sd-jwt',
    presentation: vp_token.d![0]!,
  })) as unknown as { reasons: string[] };
}

describe('issuer status lists: rollover at the fill limit', () => {
  it('starts a new list when the current one reaches its limit; older lists stay served and revocable; a restart resumes', async () => {
    const dataDir = join(dir.dir, 'issuer');
    const issued: IssuedCredential[] = [];
    let service = await startWithStatus(dataDir, issued);
    const first = service.statusListId!;

    const a = await Promise.all([issue(service), issue(service)]);
    const c = await issue(service);
    const [a0, a1, c0] = [...a, c].map(entryOf);
    expect(a0!.listId).toBe(first);
    expect(a1!.listId).toBe(first);
    expect(a0!.idx).not.toBe(a1!.idx);
    // The third credential went to a new list of the same issuer, created on the ledger.
    const second = c0!.listId;
    expect(second).not.toBe(first);
    expect((await n.client.getStatusList(n.issuer.did, second)).owner).toBe(n.issuer.did);
    expect(savedLists(dataDir)).toMatchObject({ listId: second, lists: [first, second] });
    expect(service.statusList!.listIds).toEqual([first, second]);
    // The operator learns each credential's entry as it is issued.
    expect(issued.map((e) => [e.status?.listId, e.status?.idx]).sort()).toEqual(
      [a0, a1, c0].map((e) => [e!.listId, e!.idx]).sort(),
    );
    expect(issued[0]).toMatchObject({ format: 'dc+sd-jwt', credentialType: DEGREE });
    expect(issued[0]!.holder).toBe(n.holder.did);

    // The older list is still served, and revoking on it takes effect for verifiers.
    expect(await servedStatus(a0!.uri, a0!.idx)).toBe(0);
    expect((await verdictFor(a[0]!)).reasons).toEqual([]);
    await n.client.revokeCredential({ signer: n.issuer.signer, listId: first, index: a0!.idx });
    expect(await servedStatus(a0!.uri, a0!.idx)).toBe(1);
    expect((await verdictFor(a[0]!)).reasons).toEqual(['revoked']);
    expect((await verdictFor(c)).reasons).toEqual([]);
    const unknown = await fetch(`${service.url}/status/NoSuchList123`);
    expect(unknown.status).toBe(404);

    // Restart: the same current list, its handed-out index remembered.
    await service.close();
    service = await startWithStatus(dataDir, issued);
    expect(service.statusListId).toBe(second);
    expect(
      service.statusList!.allocator.allocatedCount({ owner: n.issuer.did, listId: second }),
    ).toBe(1);
    const d0 = entryOf(await issue(service));
    expect(d0.listId).toBe(second);
    expect(d0.idx).not.toBe(c0!.idx);
    // The second list is now at its limit too: the next one starts a third list.
    const e0 = entryOf(await issue(service));
    expect(savedLists(dataDir).lists).toEqual([first, second, e0.listId]);
    expect(new Set([first, second, e0.listId]).size).toBe(3);
    // (The restarted service listens on another port here; a real issuer keeps its URL.)
    expect(await servedStatus(`${service.url}/status/${first}`, a0!.idx)).toBe(1);
    await service.close();
  });

  it('makes one new list when several requests meet a full list at once', async () => {
    const lists = await openIssuerStatusList(
      n.issuer.did,
      statusOptions(join(dir.dir, 'concurrent')),
      (owner, listId) => n.client.getStatusList(owner, listId),
    );
    try {
      const entries = await Promise.all(Array.from({ length: 6 }, () => lists.allocate()));
      const perList = new Map<string, number[]>();
      for (const { listId, idx } of entries)
        perList.set(listId, [...(perList.get(listId) ?? []), idx]);
      expect(lists.listIds).toHaveLength(3);
      expect([...perList.keys()]).toEqual(lists.listIds);
      for (const indexes of perList.values()) {
        expect(indexes).toHaveLength(2);
        expect(new Set(indexes).size).toBe(2);
      }
    } finally {
      lists.close();
    }
  });

  it('refuses a fill limit outside (0, 1] and a damaged list file, creating nothing', async () => {
    for (const fillLimit of [0, -0.5, 1.5, Number.NaN]) {
      const err = await openIssuerStatusList(
        n.issuer.did,
        statusOptions(join(dir.dir, 'bad-limit'), fillLimit),
        (owner, listId) => n.client.getStatusList(owner, listId),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DdiError);
      expect((err as DdiError).code).toBe('malformed');
    }
    // Refused before any list was made on the ledger or recorded.
    expect(existsSync(join(dir.dir, 'bad-limit', STATUS_LIST_FILE))).toBe(false);
    const damaged = join(dir.dir, 'damaged');
    const lists = await openIssuerStatusList(n.issuer.did, statusOptions(damaged), (o, l) =>
      n.client.getStatusList(o, l),
    );
    lists.close();
    writeFileSync(join(damaged, STATUS_LIST_FILE), JSON.stringify({ lists: ['ok-list-1', 'x'] }));
    const err = await openIssuerStatusList(n.issuer.did, statusOptions(damaged), (o, l) =>
      n.client.getStatusList(o, l),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DdiError);
    expect((err as DdiError).code).toBe('malformed');
  });
});
