import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DdiError } from '../../src/core/errors.ts';
import { generateKeyPair, publicKeyToMultibase, sign } from '../../src/core/keys/index.ts';
import { base64url } from '../../src/core/encoding/base64url.ts';
import { blockHash, headerSigningInput } from '../../src/ledger/block.ts';
import type { StateProofBundle } from '../../src/ledger/proofs/state-proof.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import { LightClient, trustAnchorFromGenesis } from '../../src/clients/sdk/light-client.ts';
import { httpTransport } from '../../src/clients/sdk/transports/http.ts';
import type { Transport } from '../../src/clients/sdk/transport.ts';
import { governanceTx, makeDid, openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

let t: TestNode;
let app: FastifyInstance;
let transport: Transport;
let d: TestDid;

beforeAll(async () => {
  t = await openTestNode();
  app = await buildHttpServer(t.node);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  transport = httpTransport(
    `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
  );
  d = makeDid(t.chainId, 'sm2');
  await t.node.submit(d.createTx, { wait: true });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DdiError);
  return (err as DdiError).code;
}

/** A node that lies: wraps a real transport and rewrites its proofs. */
function lying(rewrite: (proof: StateProofBundle) => StateProofBundle): Transport {
  return {
    ...transport,
    proveDidRecord: async (did) => {
      const real = await transport.proveDidRecord(did);
      return { ...real, proof: rewrite(structuredClone(real.proof)) };
    },
  };
}

describe('light client (trusts no node, only the genesis operators)', () => {
  it('resolves a DID from proven state, and proves absence', async () => {
    const client = new LightClient(transport, trustAnchorFromGenesis(t.genesis));
    const { value, height } = await client.resolveDid(d.did);
    const plain = await transport.resolve(d.did);
    expect(value.didDocument).toEqual(plain.didDocument);
    expect(value.didDocumentMetadata.versionId).toBe('1');
    expect(height).toBe(t.ledger.head().header.height);
    expect(await codeOf(client.resolveDid(makeDid(t.chainId).did))).toBe('notFound');
  });

  it('rejects a forged resolution: altered record, hidden record, rogue signer, missing entry', async () => {
    const anchor = trustAnchorFromGenesis(t.genesis);
    const altered = lying((p) => {
      const other = generateKeyPair('sm2');
      const record = JSON.parse(p.entries[0]!.value!);
      record.content.verificationMethod[0].publicKeyMultibase = publicKeyToMultibase(
        'sm2',
        other.publicKey,
      );
      p.entries[0]!.value = JSON.stringify(record);
      return p;
    });
    expect(await codeOf(new LightClient(altered, anchor).resolveDid(d.did))).toBe('invalidProof');
    const hidden = lying((p) => ({ ...p, entries: p.entries.map((e) => ({ ...e, value: null })) }));
    expect(await codeOf(new LightClient(hidden, anchor).resolveDid(d.did))).toBe('invalidProof');
    const rogue = generateKeyPair('ed25519');
    const reSigned = lying((p) => {
      p.header.stateRoot = '11'.repeat(32);
      p.hash = blockHash(p.header);
      p.signatures = [
        {
          operator: publicKeyToMultibase('ed25519', rogue.publicKey),
          sig: base64url.encode(sign('ed25519', rogue.privateKey, headerSigningInput(p.hash))),
        },
      ];
      return p;
    });
    expect(await codeOf(new LightClient(reSigned, anchor).resolveDid(d.did))).toBe('invalidProof');
    const empty = lying((p) => ({ ...p, entries: [] }));
    expect(await codeOf(new LightClient(empty, anchor).resolveDid(d.did))).toBe('invalidProof');
  });

  it('rejects a stale answer once it has seen a newer height, and a too old one', async () => {
    const old = await transport.proveDidRecord(d.did);
    await t.node.submit(makeDid(t.chainId).createTx, { wait: true });
    // A node that answers with the new state first, then replays the old one.
    let served = 0;
    const replaying = new LightClient(
      {
        ...transport,
        proveDidRecord: async (did) =>
          served++ === 0 ? transport.proveDidRecord(did) : structuredClone(old),
      },
      trustAnchorFromGenesis(t.genesis),
    );
    await replaying.resolveDid(d.did);
    expect(await codeOf(replaying.resolveDid(d.did))).toBe('staleProof');
    const strict = new LightClient(transport, trustAnchorFromGenesis(t.genesis), { maxAgeMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    expect(await codeOf(strict.resolveDid(d.did))).toBe('staleProof');
  });

  it('verifies a trust check against proven registry entries, and catches a lie about the answer', async () => {
    const issuer = makeDid(t.chainId, 'ed25519');
    await t.node.submit(issuer.createTx, { wait: true });
    const accredit = governanceTx(t, 'trust.accredit', {
      nonce: randomBytes(9).toString('base64url'),
      subject: issuer.did,
      role: 'credentialIssuer',
      scope: { credentialTypes: ['DegreeCredential'] },
      validUntil: Date.now() + 86_400_000,
    });
    await t.node.submit(accredit, { wait: true });
    const client = new LightClient(transport, trustAnchorFromGenesis(t.genesis));
    const query = {
      subject: issuer.did,
      role: 'credentialIssuer',
      credentialType: 'DegreeCredential',
    };
    const { value } = await client.checkAccreditation(query);
    expect(value.accredited).toBe(true);
    expect(value.chain[0]!.subject).toBe(issuer.did);
    expect(
      (await client.checkAccreditation({ ...query, credentialType: 'PassportCredential' })).value,
    ).toMatchObject({ accredited: false, reason: 'outOfScope' });
    const liar = new LightClient(
      {
        ...transport,
        proveTrustCheck: async (q) => {
          const real = await transport.proveTrustCheck(q);
          return { ...real, answer: { ...real.answer, accredited: !real.answer.accredited } };
        },
      },
      trustAnchorFromGenesis(t.genesis),
    );
    expect(await codeOf(liar.checkAccreditation(query))).toBe('invalidProof');
  });
});
