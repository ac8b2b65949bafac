import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { startLoginBridge } from '../../src/services/bridge/login-bridge.ts';
import type { RunningBridge } from '../../src/services/bridge/login-bridge.ts';
import { pairwiseSubject } from '../../src/services/bridge/pairwise-subject.ts';
import { startSampleApp } from '../../examples/sample-app/sample-app.ts';
import type { RunningSampleApp } from '../../examples/sample-app/sample-app.ts';
import { freePort, runDdi } from '../helpers/node-process.ts';
import {
  IDENTITY_TYPE,
  PASSPHRASE,
  openLoginNetwork,
  pairwiseSecret,
} from '../helpers/login-network.ts';
import type { LoginNetwork } from '../helpers/login-network.ts';

// The "done when": the sample app (openid-client, nothing ddi-specific) signs a person
// in through the bridge in a real browser (Debian's chromium driven by playwright-core), the
// CLI wallet answering the request the page shows (same-device, and cross-device once). Pairwise `sub`, only consented claims, and
// another `sub` for the same person at a second application.

let n: LoginNetwork;
let bridge: RunningBridge;
let shopA: RunningSampleApp;
let shopB: RunningSampleApp;
let appA: string;
let appB: string;
let browser: Browser;
let bridgeDid: string;
const secret = pairwiseSecret();

async function sampleApp(title: string): Promise<{ did: string; app: RunningSampleApp }> {
  const port = await freePort();
  const { did } = await n.registerApp(title, [`http://127.0.0.1:${port}/callback`]);
  const app = await startSampleApp({ issuer: bridge.url, clientId: did, port, title });
  return { did, app };
}

beforeAll(async () => {
  n = await openLoginNetwork();
  const port = await freePort();
  const bridgeApp = await n.registerBridge('ddi login bridge', [
    `http://127.0.0.1:${port}/openid4vp/response`,
  ]);
  bridgeDid = bridgeApp.did;
  bridge = await startLoginBridge({
    bridgeDid: bridgeApp.did,
    signingKey: {
      kid: bridgeApp.signer.kid,
      signer: { type: bridgeApp.keyPair.type, privateKey: bridgeApp.keyPair.privateKey },
    },
    ledger: n.client,
    verification: n.context,
    pairwiseSecret: secret,
    credentialTypes: [IDENTITY_TYPE],
    port,
  });
  ({ did: appA, app: shopA } = await sampleApp('Shop A'));
  ({ did: appB, app: shopB } = await sampleApp('Shop B'));
  browser = await chromium.launch({
    executablePath: process.env.DDI_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await shopA?.close();
  await shopB?.close();
  await bridge?.close();
  await n?.close();
});

/**
 * Signs in at `app` in a fresh browser context; the CLI wallet shares `consent`. Same-device,
 * the browser then opens the redirect URI the wallet was given (as a wallet app would);
 * cross-device, the person picks "another device" on the page, which polls and continues.
 */
async function signIn(
  app: RunningSampleApp,
  consent: string[],
  mode: 'same-device' | 'cross-device' = 'same-device',
): Promise<{ sub: string; claims: Record<string, unknown>; wallet: Record<string, unknown> }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(app.url);
    await page.click('#sign-in');
    await page.waitForURL(/\/interaction\/[^/]+$/);
    if (mode === 'cross-device') {
      await page.click('[data-testid=cross-device]');
      await page.waitForURL(/\/interaction\/[^/]+\/cross-device$/);
    }
    const walletUri = await page.getAttribute('[data-testid=wallet-uri]', 'href');
    expect(walletUri).toMatch(/^openid4vp:\/\/\?client_id=decentralized_identifier%3Adid%3Addi%3A/);
    const run = await runDdi(
      ['wallet', 'login', walletUri!, '--consent', consent.join(','), '--json'],
      {
        HOME: n.files.dir,
        DDI_NODE: n.nodeUrl,
        DDI_KEYSTORE: n.files.keystore,
        DDI_WALLET: n.files.wallet,
        DDI_PASSPHRASE: PASSPHRASE,
      },
    );
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const wallet = JSON.parse(run.stdout) as Record<string, unknown>;
    if (mode === 'same-device') {
      // The wallet was given the way back, with a one-time response_code; the page waits.
      expect(wallet.redirectUri).toMatch(/\/finish\?response_code=/);
      await page.goto(wallet.redirectUri as string);
    } else {
      // No way back for a wallet elsewhere: the page polls the bridge and continues itself.
      expect(wallet.redirectUri).toBeUndefined();
    }
    // The bridge hands the browser back to the application.
    await page.waitForURL(`${app.url}/callback**`);
    const sub = (await page.textContent('[data-testid=sub]'))!;
    const claims = JSON.parse((await page.textContent('[data-testid=claims]'))!) as Record<
      string,
      unknown
    >;
    return { sub, claims, wallet };
  } finally {
    await context.close();
  }
}

describe('sign-in through the bridge, in a browser, answered by the CLI wallet', () => {
  let subA: string;

  it('gives the first application a pairwise sub and only the consented claims', async () => {
    const { sub, claims, wallet } = await signIn(shopA, ['age_over_18', 'real_name_verified']);
    // The wallet saw who really asks: the application, through the bridge.
    expect(wallet).toMatchObject({
      application: appA,
      name: 'Shop A',
      through: bridgeDid,
      holder: n.holder.did,
    });
    expect(claims).toEqual({ age_over_18: true, real_name_verified: true });
    expect(sub).toBe(pairwiseSubject(secret, appA, n.holder.did));
    expect(sub).not.toContain(n.holder.did.slice('did:ddi:'.length));
    subA = sub;
  }, 120_000);

  it('gives a second application another sub for the same person, and its own consent', async () => {
    const { sub, claims } = await signIn(shopB, ['real_name_verified']);
    expect(claims).toEqual({ real_name_verified: true });
    expect(sub).toBe(pairwiseSubject(secret, appB, n.holder.did));
    expect(sub).not.toBe(subA);
  }, 120_000);

  it('gives the first application the same sub again, and nothing not consented this time (cross-device)', async () => {
    const { sub, claims } = await signIn(shopA, [], 'cross-device');
    expect(sub).toBe(subA);
    expect(claims).toEqual({});
  }, 120_000);
});
