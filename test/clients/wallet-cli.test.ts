import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { decodeSdJwt } from '../../src/core/credentials/sd-jwt/index.ts';
import { Keystore } from '../../src/clients/keystore/keystore.ts';
import { DDI_BIN, REPO_ROOT } from '../helpers/node-process.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import {
  DEGREE,
  DEGREE_CLAIMS,
  OPERATOR_TOKEN,
  openIssuerNetwork,
  TEMPLATE_ID,
} from '../helpers/issuer-network.ts';
import type { IssuerNetwork } from '../helpers/issuer-network.ts';
import { tempDir } from '../helpers/temp-node.ts';

let n: IssuerNetwork;
let nodeApi: FastifyInstance;
let nodeUrl: string;
const dir = tempDir('ddi-wallet-cli-');
const keystore = join(dir.dir, 'keystore.json');

beforeAll(async () => {
  n = await openIssuerNetwork();
  nodeApi = await buildHttpServer(n.t.node);
  await nodeApi.listen({ host: '127.0.0.1', port: 0 });
  nodeUrl = `http://127.0.0.1:${(nodeApi.server.address() as { port: number }).port}`;
  const store = Keystore.open(keystore, 'cli passphrase');
  store.addKey('holder-key-1', n.holder.keyPair);
  const now = new Date().toISOString();
  store.putDid({
    did: n.holder.did,
    signingKeys: { 'key-1': 'holder-key-1' },
    created: now,
    updated: now,
  });
  store.save();
});
afterAll(async () => {
  await nodeApi.close();
  await n.close();
  dir.cleanup();
});

/** Runs `ddi …` as a subprocess against the test node, keystore and issuer. */
function ddi(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [DDI_BIN, ...args],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: dir.dir,
          DDI_NODE: nodeUrl,
          DDI_KEYSTORE: keystore,
          DDI_PASSPHRASE: 'cli passphrase',
          DDI_ISSUER_TOKEN: OPERATOR_TOKEN,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ status, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

describe('ddi issuer offer and ddi wallet', () => {
  const claimsFile = join(dir.dir, 'claims.json');
  let offerUri: string;

  it('prints an offer URI, and refuses claims that fail the template', async () => {
    writeFileSync(claimsFile, JSON.stringify(DEGREE_CLAIMS));
    const offer = await ddi(
      'issuer',
      'offer',
      '--template',
      TEMPLATE_ID,
      '--claims',
      claimsFile,
      '--issuer-url',
      n.service.url,
    );
    expect(offer.status, offer.stderr).toBe(0);
    offerUri = offer.stdout.trim().split('\n')[0]!;
    expect(offerUri).toMatch(/^openid-credential-offer:\/\/\?credential_offer_uri=http/);

    writeFileSync(join(dir.dir, 'bad.json'), JSON.stringify({ givenName: 'x' }));
    const bad = await ddi(
      'issuer',
      'offer',
      '--template',
      TEMPLATE_ID,
      '--claims',
      join(dir.dir, 'bad.json'),
      '--issuer-url',
      n.service.url,
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^error \[malformed\]: the claims do not match template/);
  });

  it('receives, lists without values, and shows a credential', async () => {
    const received = await ddi('wallet', 'receive', offerUri, '--json');
    expect(received.status, received.stdout).toBe(0);
    expect(JSON.parse(received.stdout)).toMatchObject({ type: DEGREE, issuer: n.issuer.did });
    const listed = await ddi('wallet', 'list');
    expect(listed.stdout).toContain('university');
    expect(listed.stdout).not.toContain(DEGREE_CLAIMS.university);
    const shown = await ddi('wallet', 'list', '--show');
    expect(shown.stdout).toContain(DEGREE_CLAIMS.university);
  });

  it('presents 2 of 8 claims as a vp_token', async () => {
    const request = {
      nonce: 'cli-nonce',
      client_id: 'https://verifier.example',
      dcql_query: {
        credentials: [
          {
            id: 'deg',
            format: 'dc+sd-jwt',
            meta: { vct_values: [DEGREE] },
            claims: [{ path: ['givenName'] }, { path: ['gpa'] }],
          },
        ],
      },
    };
    const presented = await ddi(
      'wallet',
      'present',
      '--request',
      JSON.stringify(request),
      '--json',
    );
    expect(presented.status, presented.stdout).toBe(0);
    const { vp_token } = JSON.parse(presented.stdout) as { vp_token: Record<string, string[]> };
    const decoded = decodeSdJwt(vp_token.deg![0]!);
    expect(decoded.disclosures.map((d) => d.name).sort()).toEqual(['givenName', 'gpa']);
    expect(decoded.keyBindingJwt).toBeDefined();
  });

  it('fails receiving a used offer with an error line', async () => {
    const again = await ddi('wallet', 'receive', offerUri);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^error \[\w+\]: fetching the offer failed/);
  });
});
