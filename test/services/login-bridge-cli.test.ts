import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Keystore } from '../../src/clients/keystore/keystore.ts';
import { createClient, httpTransport } from '../../src/clients/sdk/index.ts';
import type { DdiClient } from '../../src/clients/sdk/index.ts';
import {
  answerLoginRequest,
  openLoginRequest,
  sendLoginAnswer,
} from '../../src/clients/wallet/index.ts';
import { DDI_BIN, REPO_ROOT, freePort, stopGracefully } from '../helpers/node-process.ts';
import { PASSPHRASE, openLoginNetwork } from '../helpers/login-network.ts';
import type { LoginNetwork } from '../helpers/login-network.ts';

// `ddi bridge start` as a real process: it reads the ledger over the node's HTTP API only
// (application registry, and the remote verification context for the credentials).

let n: LoginNetwork;
let http: DdiClient;
let child: ChildProcess;
let bridgeUrl: string;
let shop: string;
const SHOP_CALLBACK = 'http://127.0.0.1:9/callback';

beforeAll(async () => {
  n = await openLoginNetwork();
  http = createClient(httpTransport(n.nodeUrl));
  const port = await freePort();
  bridgeUrl = `http://127.0.0.1:${port}`;
  const bridge = await n.registerBridge('ddi login bridge', [`${bridgeUrl}/openid4vp/response`]);
  shop = (await n.registerApp('Shop', [SHOP_CALLBACK])).did;
  const keystore = join(n.files.dir, 'bridge-keystore.json');
  const store = Keystore.open(keystore, PASSPHRASE);
  store.addKey('bridge-key-1', bridge.keyPair);
  const now = new Date().toISOString();
  store.putDid({
    did: bridge.did,
    signingKeys: { 'key-1': 'bridge-key-1' },
    created: now,
    updated: now,
  });
  store.save();
  child = spawn(
    process.execPath,
    [
      DDI_BIN,
      'bridge',
      'start',
      '--did',
      bridge.did,
      '--template',
      n.issuer.template,
      '--secret-file',
      join(n.files.dir, 'pairwise.secret'),
      '--port',
      String(port),
    ],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: n.files.dir,
        DDI_NODE: n.nodeUrl,
        DDI_KEYSTORE: keystore,
        DDI_PASSPHRASE: PASSPHRASE,
      },
    },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bridge exited:\n${output}`);
    const ok = await fetch(`${bridgeUrl}/.well-known/openid-configuration`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`bridge did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 60_000);

afterAll(async () => {
  if (child) expect(await stopGracefully(child)).toBe(0);
  await n?.close();
});

describe('ddi bridge start', () => {
  it('serves discovery and signs a wallet in, checking the credential over the node API', async () => {
    const discovery = (await (
      await fetch(`${bridgeUrl}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(bridgeUrl);

    // An application's authorization request, by a browser that keeps the bridge's cookies.
    const query = new URLSearchParams({
      client_id: shop,
      response_type: 'code',
      scope: 'openid age_over_18',
      redirect_uri: SHOP_CALLBACK,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const auth = await fetch(`${bridgeUrl}/auth?${query}`, { redirect: 'manual' });
    expect(auth.status).toBe(303);
    const cookies = auth.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const interaction = auth.headers.get('location')!;
    const page = await (
      await fetch(`${bridgeUrl}${interaction}`, { headers: { cookie: cookies } })
    ).text();
    expect(page).toContain('Sign in to Shop');
    const walletUri = /data-testid="wallet-uri" href="([^"]+)"/
      .exec(page)![1]!
      .replace(/&amp;/g, '&');

    const prompt = await openLoginRequest(walletUri, http);
    expect(prompt.relyingParty?.did).toBe(shop);
    const answer = answerLoginRequest(prompt, {
      holderKid: n.holder.kid,
      signerFor: () => ({ type: n.holder.keyPair.type, privateKey: n.holder.keyPair.privateKey }),
      credentials: [n.holder.credential],
      consent: ['age_over_18'],
    });
    const sent = await sendLoginAnswer(prompt, answer);
    expect(sent.redirectUri).toMatch(
      new RegExp(`^${bridgeUrl}${interaction}/finish\\?response_code=[\\w-]{32}$`),
    );
    const status = await (await fetch(`${bridgeUrl}${interaction}/status`)).json();
    expect(status).toEqual({ status: 'done' });
    // Finishing hands the browser back to the application with a code and the bridge's iss.
    const finish = await fetch(sent.redirectUri!, {
      headers: { cookie: cookies },
      redirect: 'manual',
    });
    expect(finish.status).toBe(303);
  }, 60_000);
});
