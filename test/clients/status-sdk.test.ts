import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DdiError } from '../../src/core/errors.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import {
  createClient,
  didSigner,
  httpTransport,
  inProcessTransport,
} from '../../src/clients/sdk/index.ts';
import type { DdiClient, DidSigner } from '../../src/clients/sdk/index.ts';
import { governanceTx, makeDid, openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

// The status list actions, run over both transports against one node.

let t: TestNode;
let app: FastifyInstance;
const clients: Record<string, DdiClient> = {};
let issuer: TestDid;
let stranger: TestDid;

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
  const port = typeof address === 'object' && address ? address.port : 0;
  clients.http = createClient(httpTransport(`http://127.0.0.1:${port}`));
  clients['in-process'] = createClient(inProcessTransport(t.node));
  issuer = makeDid(t.chainId, 'p256');
  stranger = makeDid(t.chainId);
  for (const d of [issuer, stranger]) await t.node.submit(d.createTx, { wait: true });
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
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe.each(['http', 'in-process'])('status list actions over %s', (kind) => {
  const client = () => clients[kind]!;
  let signer: DidSigner;
  let listId: string;

  it('creates a list owned by the signer, with a random id', async () => {
    signer = didSigner(issuer.did, 'key-1', issuer.signing);
    const created = await client().createStatusList({ signer });
    expect(created.owner).toBe(issuer.did);
    expect(created.listId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(created.status.status).toBe('committed');
    listId = created.listId;
    expect(await client().getStatusList(issuer.did, listId)).toMatchObject({
      owner: issuer.did,
      listId,
      version: 1,
      bits: 2,
      purpose: 'revocation+suspension',
    });
    // An explicit id, a revocation-only list of one bit, a larger size.
    const named = `${kind.replace('-', '')}-revocations`;
    await client().createStatusList({
      signer,
      listId: named,
      purpose: 'revocation',
      bits: 1,
      size: 262_144,
    });
    expect(await client().getStatusList(issuer.did, named)).toMatchObject({
      bits: 1,
      size: 262_144,
      purpose: 'revocation',
    });
    expect(await codeOf(client().createStatusList({ signer, listId: named }))).toBe('conflict');
    const notAccredited = didSigner(stranger.did, 'key-1', stranger.signing);
    expect(await codeOf(client().createStatusList({ signer: notAccredited }))).toBe('unauthorized');
  });

  it('suspends, reinstates and revokes entries, reading previousVersion from the node', async () => {
    await client().suspendCredential({ signer, listId, index: 42 });
    expect(await client().getCredentialStatus(issuer.did, listId, 42)).toEqual({
      index: 42,
      status: 'suspended',
      value: 2,
    });
    await client().reinstateCredential({ signer, listId, index: 42 });
    expect((await client().getCredentialStatus(issuer.did, listId, 42)).status).toBe('valid');
    await client().revokeCredential({ signer, listId, index: 42, owner: issuer.did });
    expect((await client().getCredentialStatus(issuer.did, listId, 42)).status).toBe('revoked');
    await client().setCredentialStatus({
      signer,
      listId,
      changes: [
        { index: 0, status: 'suspended' },
        { index: 131_071, status: 'revoked' },
      ],
    });
    const list = await client().getStatusList(issuer.did, listId);
    expect(list.version).toBe(5);
    // Revocation is final; a named stale version is refused.
    expect(await codeOf(client().reinstateCredential({ signer, listId, index: 42 }))).toBe(
      'conflict',
    );
    expect(
      await codeOf(client().suspendCredential({ signer, listId, index: 1, previousVersion: 2 })),
    ).toBe('staleVersion');
  });

  it('refuses a change by anyone but the owner, and bad input', async () => {
    const other = didSigner(stranger.did, 'key-1', stranger.signing);
    expect(
      await codeOf(
        client().revokeCredential({ signer: other, owner: issuer.did, listId, index: 1 }),
      ),
    ).toBe('unauthorized');
    expect(await codeOf(client().revokeCredential({ signer, listId, index: 131_072 }))).toBe(
      'malformed',
    );
    expect(
      await codeOf(
        client().setCredentialStatus({
          signer,
          listId,
          changes: [{ index: 1, status: 'lost' as 'valid' }],
        }),
      ),
    ).toBe('malformed');
    expect(
      await codeOf(client().revokeCredential({ signer, listId: 'NoSuchList1', index: 1 })),
    ).toBe('notFound');
    expect(await codeOf(client().getCredentialStatus(issuer.did, listId, -1))).toBe('malformed');
  });
});
