import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { DdiError } from '../../src/core/errors.ts';
import {
  answerLoginRequest,
  openLoginRequest,
  sendLoginAnswer,
} from '../../src/clients/wallet/index.ts';
import type { LoginPrompt } from '../../src/clients/wallet/index.ts';
import { httpStatusFor, toDdiError } from '../../src/services/http/error-status.ts';
import { LoginVerifier } from '../../src/services/login/login-verifier.ts';
import { acceptFormBodies, loginVerifierRoutes } from '../../src/services/login/login-routes.ts';
import {
  LOGIN_RESPONSE_TYPE,
  SELF_ISSUED_AUDIENCE,
  didClientId,
  signLoginRequest,
} from '../../src/core/login/index.ts';
import type { LoginRequestClaims } from '../../src/core/login/index.ts';
import { issueSdJwtVc } from '../../src/core/credentials/sd-jwt/index.ts';
import { generateKeyPair, publicKeyToJwk } from '../../src/core/keys/index.ts';
import type { StoredCredential } from '../../src/clients/wallet/index.ts';
import { scopesForClaims } from '../../src/services/bridge/claim-catalogue.ts';
import { didSigner } from '../../src/clients/sdk/index.ts';
import type { DidSigner } from '../../src/clients/sdk/index.ts';
import { startLoginBridge } from '../../src/services/bridge/login-bridge.ts';
import type { RunningBridge } from '../../src/services/bridge/login-bridge.ts';
import { freePort } from '../helpers/node-process.ts';
import { IDENTITY_TYPE, openLoginNetwork, pairwiseSecret } from '../helpers/login-network.ts';
import type { LoginNetwork } from '../helpers/login-network.ts';
import { newDid } from '../helpers/issuer-network.ts';

// Each way a login can be misused, refused with a clear code: reused nonce, wrong audience,
// expired request, mix-up between relying parties, unregistered redirect URI, unregistered or
// suspended client — at the wallet, at the relying party and at the bridge.

let n: LoginNetwork;
const servers: FastifyInstance[] = [];
let clock = Date.now();
let bridge: RunningBridge;
let shop: { did: string };
const SHOP_CALLBACK = 'http://127.0.0.1:9/callback';

/** A relying party on its own port: a LoginVerifier behind the two OpenID4VP routes. */
async function relyingParty(
  options: { register?: boolean; registeredUri?: string; ttlMs?: number; bridge?: boolean } = {},
): Promise<{ did: string; verifier: LoginVerifier; url: string; signer: DidSigner }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const responseUri = `${url}/openid4vp/response`;
  const app =
    options.register === false
      ? await newDid(n.client, 'ed25519')
      : await (options.bridge ? n.registerBridge : n.registerApp).call(n, 'Relying party', [
          options.registeredUri ?? responseUri,
        ]);
  const verifier = new LoginVerifier({
    clientDid: app.did,
    signingKey: {
      kid: app.signer.kid,
      signer: { type: app.keyPair.type, privateKey: app.keyPair.privateKey },
    },
    requestUriBase: `${url}/openid4vp/request`,
    responseUri,
    context: n.context,
    requestTtlMs: options.ttlMs ?? 60_000,
    now: () => clock,
  });
  const server = Fastify();
  acceptFormBodies(server);
  server.setErrorHandler((err, _request, reply) => {
    const error = toDdiError(err);
    reply.code(httpStatusFor(error.code)).send(error.toJSON());
  });
  loginVerifierRoutes(server, verifier, {
    requestPath: '/openid4vp/request',
    responsePath: '/openid4vp/response',
  });
  await server.listen({ host: '127.0.0.1', port });
  servers.push(server);
  return { did: app.did, verifier, url, signer: app.signer };
}

/**
 * A relying party that signs whatever request object it is given (`claims` over sound
 * defaults) and serves it as is — a test double of a careless or hostile verifier, for the
 * wallet's own checks (LoginVerifier would refuse to make such requests).
 */
async function rawRequest(
  claims: (defaults: LoginRequestClaims) => Partial<LoginRequestClaims> | Record<string, unknown>,
): Promise<string> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = await n.registerApp('Careless party', [`${url}/openid4vp/response`]);
  const clientId = didClientId(app.did);
  const now = Math.floor(clock / 1000);
  const defaults: LoginRequestClaims = {
    iss: clientId,
    aud: SELF_ISSUED_AUDIENCE,
    client_id: clientId,
    response_type: LOGIN_RESPONSE_TYPE,
    response_mode: 'direct_post',
    response_uri: `${url}/openid4vp/response`,
    scope: 'openid',
    nonce: 'n-0S6_WzA2Mj',
    state: 'af0ifjsldkj',
    dcql_query: ASK,
    iat: now,
    exp: now + 60,
  };
  const jwt = signLoginRequest({ ...defaults, ...claims(defaults) } as LoginRequestClaims, {
    kid: app.signer.kid,
    signer: { type: app.keyPair.type, privateKey: app.keyPair.privateKey },
  });
  const server = Fastify();
  server.get('/request', async (_request, reply) =>
    reply.header('content-type', 'application/oauth-authz-req+jwt').send(jwt),
  );
  await server.listen({ host: '127.0.0.1', port });
  servers.push(server);
  return `openid4vp://?${new URLSearchParams({ client_id: clientId, request_uri: `${url}/request` })}`;
}

const LOYALTY = 'ShopLoyaltyCard';
const ASK = {
  credentials: [
    {
      id: 'identity',
      format: 'dc+sd-jwt',
      meta: { vct_values: [IDENTITY_TYPE] },
      claims: [{ path: ['age_over_18'] }],
    },
  ],
};

function answer(prompt: LoginPrompt, consent = ['age_over_18']) {
  return answerLoginRequest(prompt, {
    holderKid: n.holder.kid,
    signerFor: () => ({ type: n.holder.keyPair.type, privateKey: n.holder.keyPair.privateKey }),
    credentials: [n.holder.credential],
    consent,
    now: clock,
  });
}

async function refusal(promise: Promise<unknown>): Promise<DdiError> {
  const err = await promise.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DdiError);
  return err as DdiError;
}

beforeAll(async () => {
  n = await openLoginNetwork();
  const port = await freePort();
  const bridgeApp = await n.registerBridge('ddi login bridge', [
    `http://127.0.0.1:${port}/openid4vp/response`,
  ]);
  bridge = await startLoginBridge({
    bridgeDid: bridgeApp.did,
    signingKey: {
      kid: bridgeApp.signer.kid,
      signer: { type: bridgeApp.keyPair.type, privateKey: bridgeApp.keyPair.privateKey },
    },
    ledger: n.client,
    verification: n.context,
    pairwiseSecret: pairwiseSecret(),
    credentialTypes: [IDENTITY_TYPE],
    port,
  });
  shop = await n.registerApp('Shop', [SHOP_CALLBACK]);
}, 60_000);

afterAll(async () => {
  for (const server of servers) await server.close();
  await bridge?.close();
  await n?.close();
});

describe('native login (OpenID4VP + SIOPv2)', () => {
  it('signs in with only the consented claims', async () => {
    const rp = await relyingParty();
    const created = rp.verifier.createRequest({ dcqlQuery: ASK });
    const prompt = await openLoginRequest(created.walletUri, n.client, { now: clock });
    expect(prompt.verifier.did).toBe(rp.did);
    expect(prompt.requestedClaims).toEqual(['age_over_18']);
    await sendLoginAnswer(prompt, answer(prompt));
    const outcome = rp.verifier.outcome(created.state);
    expect(outcome).toMatchObject({
      status: 'done',
      result: { holder: n.holder.did, claims: { age_over_18: true } },
    });
  });

  it('refuses a reused nonce: an answer is accepted once', async () => {
    const rp = await relyingParty();
    const prompt = await openLoginRequest(
      rp.verifier.createRequest({ dcqlQuery: ASK }).walletUri,
      n.client,
      { now: clock },
    );
    const a = answer(prompt);
    await sendLoginAnswer(prompt, a);
    const err = await refusal(sendLoginAnswer(prompt, a));
    expect(err.code).toBe('replay');
    expect(err.details?.reason).toBe('nonceReused');
  });

  it('garbage posted with the state does not spoil the real wallet’s answer', async () => {
    const rp = await relyingParty();
    const created = rp.verifier.createRequest({ dcqlQuery: ASK });
    const prompt = await openLoginRequest(created.walletUri, n.client, { now: clock });
    const post = (form: Record<string, string>) =>
      fetch(prompt.request.response_uri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    // Whoever learnt the state: junk, and a real ID token of theirs for the wrong nonce.
    expect((await post({ state: created.state, id_token: 'garbage' })).status).toBe(400);
    const stranger = answer({ ...prompt, request: { ...prompt.request, nonce: 'not-it' } }, []);
    const wrongNonce = await post({ state: created.state, id_token: stranger.id_token });
    expect(((await wrongNonce.json()) as { details?: { reason?: string } }).details?.reason).toBe(
      'nonceMismatch',
    );
    expect(rp.verifier.outcome(created.state).status).toBe('pending');
    await sendLoginAnswer(prompt, answer(prompt));
    expect(rp.verifier.outcome(created.state)).toMatchObject({
      status: 'done',
      result: { holder: n.holder.did },
    });
  });

  it('an answer whose ID token verifies is judged once, even if its credentials fail', async () => {
    const rp = await relyingParty();
    const created = rp.verifier.createRequest({ dcqlQuery: ASK });
    const prompt = await openLoginRequest(created.walletUri, n.client, { now: clock });
    const good = answer(prompt);
    const tampered = { ...good, vp_token: { identity: [`${good.vp_token!.identity![0]!}x`] } };
    await refusal(sendLoginAnswer(prompt, tampered));
    expect((await refusal(sendLoginAnswer(prompt, good))).code).toBe('replay');
  });

  it('refuses an answer made for another audience', async () => {
    const a = await relyingParty();
    const b = await relyingParty();
    const prompt = await openLoginRequest(
      b.verifier.createRequest({ dcqlQuery: ASK }).walletUri,
      n.client,
      { now: clock },
    );
    // The ID token and key binding name A, sent to B with B's state and nonce.
    const forged = answer({
      ...prompt,
      request: { ...prompt.request, client_id: a.verifier.clientId },
    });
    const err = await refusal(sendLoginAnswer(prompt, forged));
    expect(err.code).toBe('invalidCredential');
    expect(err.details?.reason).toBe('audienceMismatch');
  });

  it('refuses a mix-up: an answer for one relying party sent to another', async () => {
    const a = await relyingParty();
    const b = await relyingParty();
    const promptA = await openLoginRequest(
      a.verifier.createRequest({ dcqlQuery: ASK }).walletUri,
      n.client,
      { now: clock },
    );
    const toB = {
      ...promptA,
      request: { ...promptA.request, response_uri: `${b.url}/openid4vp/response` },
    };
    const err = await refusal(sendLoginAnswer(toB, answer(promptA)));
    expect(err.code).toBe('invalidCredential');
    expect(err.details?.reason).toBe('unknownState');
    // A still takes its own answer: the misdirected one consumed nothing of A's.
    await sendLoginAnswer(promptA, answer(promptA));
    expect(a.verifier.outcome(promptA.request.state).status).toBe('done');
  });

  it('refuses an expired request at the wallet, even one a relying party still serves', async () => {
    // The stub serves its request object whatever the time: only the wallet's `exp` check stands.
    const expired = await rawRequest((d) => ({ iat: d.iat - 120, exp: d.iat - 60 }));
    const atWallet = await refusal(openLoginRequest(expired, n.client, { now: clock }));
    expect(atWallet.code).toBe('invalidCredential');
    expect(atWallet.details?.reason).toBe('requestExpired');
  });

  it('refuses an answer that comes after the request expired, at the relying party', async () => {
    const rp = await relyingParty({ ttlMs: 60_000 });
    const late = rp.verifier.createRequest({ dcqlQuery: ASK });
    const prompt = await openLoginRequest(late.walletUri, n.client, { now: clock });
    clock += 61_000;
    try {
      const err = await refusal(sendLoginAnswer(prompt, answer(prompt)));
      expect(err.code).toBe('invalidCredential');
      expect(err.details?.reason).toBe('requestExpired');
    } finally {
      clock -= 61_000;
    }
  });

  it('refuses a request for a credential format that cannot hide claims (jwt_vc_json)', async () => {
    const whole = {
      credentials: [
        {
          id: 'identity',
          format: 'jwt_vc_json',
          meta: { type_values: [['VerifiableCredential']] },
          claims: [{ path: ['credentialSubject', 'age_over_18'] }],
        },
      ],
    };
    const err = await refusal(
      openLoginRequest(await rawRequest(() => ({ dcql_query: whole })), n.client, { now: clock }),
    );
    expect(err.code).toBe('unauthorized');
    expect(err.details?.reason).toBe('credentialFormatNotSelective');
    // Nor does answering a prompt built around the wallet's check present anything.
    const rp = await relyingParty();
    const prompt = await openLoginRequest(
      rp.verifier.createRequest({ dcqlQuery: ASK }).walletUri,
      n.client,
      { now: clock },
    );
    const forged = { ...prompt, request: { ...prompt.request, dcql_query: whole } };
    let thrown: unknown;
    try {
      answer({ ...forged, requestedClaims: ['credentialSubject'] }, ['credentialSubject']);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DdiError);
    expect((thrown as DdiError).details?.reason).toBe('credentialFormatNotSelective');
  });

  it('refuses a credential of a type the request did not ask for, even with the claim asked for', async () => {
    // An accredited issuer of loyalty cards, whose cards carry a self-declared age_over_18.
    const shopIssuer = await newDid(n.client, 'p256');
    await n.client.accredit({
      subject: shopIssuer.did,
      role: 'credentialIssuer',
      scope: { credentialTypes: [LOYALTY] },
      validUntil: new Date(clock + 365 * 24 * 3600 * 1000),
      signer: n.gov,
    });
    await n.client.registerTemplate({
      template: {
        id: 'shop.loyalty',
        version: 1,
        credentialType: LOYALTY,
        schema: {
          type: 'object',
          properties: { age_over_18: { type: 'boolean' } },
          additionalProperties: false,
        },
        display: { 'zh-CN': { name: '会员卡' }, en: { name: 'Loyalty card' } },
      },
      signer: shopIssuer.signer,
    });
    clock = Date.now(); // the card is issued after its issuer's DID exists
    const iat = Math.floor(clock / 1000);
    const card: StoredCredential = {
      id: 'loyalty-card',
      format: 'dc+sd-jwt',
      credential: issueSdJwtVc({
        header: { kid: shopIssuer.signer.kid },
        payload: {
          iss: shopIssuer.did,
          iat,
          exp: iat + 3600,
          vct: LOYALTY,
          cnf: { jwk: publicKeyToJwk(n.holder.keyPair.type, n.holder.keyPair.publicKey) },
          age_over_18: true,
        },
        disclosable: [['age_over_18']],
        signer: { type: shopIssuer.keyPair.type, privateKey: shopIssuer.keyPair.privateKey },
      }),
      issuerUrl: 'https://shop.example',
      credentialConfigurationId: 'shop.loyalty',
      holderKid: n.holder.kid,
      received: new Date(clock).toISOString(),
    };
    const rp = await relyingParty();
    const created = rp.verifier.createRequest({ dcqlQuery: ASK });
    const prompt = await openLoginRequest(created.walletUri, n.client, { now: clock });
    // A wallet that answers the identity query with the loyalty card: valid, accredited,
    // bound to the holder and to this request — but not the credential asked for.
    const loyal = {
      credentials: [{ ...ASK.credentials[0]!, meta: { vct_values: [LOYALTY] } }],
    };
    const sneaky = answerLoginRequest(
      { ...prompt, request: { ...prompt.request, dcql_query: loyal } },
      {
        holderKid: n.holder.kid,
        signerFor: () => ({ type: n.holder.keyPair.type, privateKey: n.holder.keyPair.privateKey }),
        credentials: [card],
        consent: ['age_over_18'],
        now: clock,
      },
    );
    const err = await refusal(sendLoginAnswer(prompt, sneaky));
    expect(err.code).toBe('invalidCredential');
    expect(err.details?.reason).toBe('credentialTypeNotRequested');
    expect(rp.verifier.outcome(created.state).status).toBe('failed');
  });

  it('makes no login request but for dc+sd-jwt credentials', () => {
    const rp = new LoginVerifier({
      clientDid: shop.did,
      signingKey: { kid: `${shop.did}#key-1`, signer: n.holder.keyPair },
      requestUriBase: 'http://127.0.0.1:9/request',
      responseUri: SHOP_CALLBACK,
      context: n.context,
    });
    const whole = {
      credentials: [
        {
          id: 'identity',
          format: 'jwt_vc_json',
          meta: { type_values: [['VerifiableCredential', IDENTITY_TYPE]] },
          claims: [{ path: ['credentialSubject', 'age_over_18'] }],
        },
      ],
    };
    expect(() => rp.createRequest({ dcqlQuery: whole })).toThrow(/dc\+sd-jwt credentials only/);
  });

  it('accepts ddi_relying_party only from a bridge the regulator authorized', async () => {
    const impostor = await relyingParty();
    const onBehalf = (rp: { verifier: LoginVerifier }, relyingParty: string) =>
      openLoginRequest(
        rp.verifier.createRequest({ dcqlQuery: ASK, relyingParty }).walletUri,
        n.client,
        { now: clock },
      );
    // A registered application that claims to ask for another (better-known) one: refused.
    const err = await refusal(onBehalf(impostor, shop.did));
    expect(err.code).toBe('unauthorized');
    expect(err.details?.reason).toBe('notABridge');
    // An authorized bridge may, and the wallet names both the application and the bridge.
    const rp = await relyingParty({ bridge: true });
    const prompt = await onBehalf(rp, shop.did);
    expect(prompt.verifier.did).toBe(rp.did);
    expect(prompt.relyingParty?.did).toBe(shop.did);
    // Until the regulator withdraws the authorization.
    await n.client.setApplicationBridge({ did: rp.did, bridge: false, signer: n.gov });
    expect((await refusal(onBehalf(rp, shop.did))).details?.reason).toBe('notABridge');
  });

  it('refuses a bridge asking for an unregistered or a suspended application', async () => {
    const rp = await relyingParty({ bridge: true });
    const onBehalf = (relyingParty: string) =>
      openLoginRequest(
        rp.verifier.createRequest({ dcqlQuery: ASK, relyingParty }).walletUri,
        n.client,
        { now: clock },
      );
    const stranger = await newDid(n.client, 'ed25519');
    const unregistered = await refusal(onBehalf(stranger.did));
    expect(unregistered.code).toBe('unauthorized');
    expect(unregistered.details?.reason).toBe('unregisteredApplication');
    const shady = await n.registerApp('Shady shop', [SHOP_CALLBACK]);
    await n.client.setApplicationStatus({ did: shady.did, status: 'suspended', signer: n.gov });
    const suspended = await refusal(onBehalf(shady.did));
    expect(suspended.code).toBe('unauthorized');
    expect(suspended.details?.reason).toBe('applicationSuspended');
  });

  it('refuses a request object without the right iss, aud or scope', async () => {
    const cases: Array<[(d: LoginRequestClaims) => Record<string, unknown>, string]> = [
      [() => ({ iss: undefined }), 'issuerMismatch'],
      [(d) => ({ iss: `${d.client_id}x` }), 'issuerMismatch'],
      [() => ({ aud: 'https://wallet.example' }), 'audienceMismatch'],
      [() => ({ aud: undefined }), 'audienceMismatch'],
      [() => ({ scope: 'openid profile' }), 'scopeMismatch'],
    ];
    for (const [change, reason] of cases) {
      const err = await refusal(
        openLoginRequest(await rawRequest(change), n.client, { now: clock }),
      );
      expect(err.code).toBe('invalidCredential');
      expect(err.details?.reason).toBe(reason);
    }
    // The same stub with nothing changed is accepted: the refusals are the members'.
    const prompt = await openLoginRequest(await rawRequest(() => ({})), n.client, { now: clock });
    expect(prompt.requestedClaims).toEqual(['age_over_18']);
  });

  it('refuses credentials bound to another key than the ID token’s (holderMismatch)', async () => {
    const rp = await relyingParty();
    const created = rp.verifier.createRequest({ dcqlQuery: ASK });
    const prompt = await openLoginRequest(created.walletUri, n.client, { now: clock });
    // Someone with their own DID signs the ID token and adds the holder's presentation.
    const other = await newDid(n.client, 'ed25519');
    const theirs = answerLoginRequest(prompt, {
      holderKid: other.signer.kid,
      signerFor: () => ({ type: other.keyPair.type, privateKey: other.keyPair.privateKey }),
      credentials: [],
      consent: [],
      now: clock,
    });
    const err = await refusal(
      sendLoginAnswer(prompt, { ...theirs, vp_token: answer(prompt).vp_token! }),
    );
    expect(err.code).toBe('invalidCredential');
    expect(err.details?.reason).toBe('holderMismatch');
  });

  it('refuses an application whose DID is deactivated', async () => {
    const key = generateKeyPair('ed25519');
    const recoveryKey = generateKeyPair('ed25519');
    const { did } = await n.client.createDid({ signingKey: key, recoveryKey });
    const signer = didSigner(did, 'key-1', key);
    const responseUri = 'http://127.0.0.1:9/openid4vp/response';
    await n.client.registerApplication({
      name: 'Closing shop',
      redirectUris: [responseUri],
      signer,
    });
    const rp = new LoginVerifier({
      clientDid: did,
      signingKey: { kid: signer.kid, signer: { type: key.type, privateKey: key.privateKey } },
      requestUriBase: 'http://127.0.0.1:9/request',
      responseUri,
      context: n.context,
      now: () => clock,
    });
    const created = rp.createRequest({ dcqlQuery: ASK });
    // The request object straight from the verifier (no server needed for this check).
    const serve = (async () => new Response(rp.requestObject(created.id))) as typeof fetch;
    const open = () => openLoginRequest(created.walletUri, n.client, { now: clock, fetch: serve });
    expect((await open()).verifier.did).toBe(did);
    await n.client.deactivateDid({ did, recoveryKey });
    const err = await refusal(open());
    expect(err.code).toBe('unauthorized');
    expect(err.details?.reason).toBe('applicationDidDeactivated');
  });

  it('refuses a response URI the application has not registered', async () => {
    const rp = await relyingParty({ registeredUri: 'https://rp.example/openid4vp/response' });
    const err = await refusal(
      openLoginRequest(rp.verifier.createRequest({ dcqlQuery: ASK }).walletUri, n.client, {
        now: clock,
      }),
    );
    expect(err.code).toBe('unauthorized');
    expect(err.details?.reason).toBe('redirectUriNotRegistered');
  });

  it('refuses an unregistered application', async () => {
    const rp = await relyingParty({ register: false });
    const err = await refusal(
      openLoginRequest(rp.verifier.createRequest().walletUri, n.client, { now: clock }),
    );
    expect(err.code).toBe('unauthorized');
    expect(err.details?.reason).toBe('unregisteredApplication');
  });

  it('refuses a suspended application until the regulator reinstates it', async () => {
    const rp = await relyingParty();
    await n.client.setApplicationStatus({ did: rp.did, status: 'suspended', signer: n.gov });
    const err = await refusal(
      openLoginRequest(rp.verifier.createRequest().walletUri, n.client, { now: clock }),
    );
    expect(err.code).toBe('unauthorized');
    expect(err.details?.reason).toBe('applicationSuspended');
    await n.client.setApplicationStatus({ did: rp.did, status: 'active', signer: n.gov });
    const prompt = await openLoginRequest(rp.verifier.createRequest().walletUri, n.client, {
      now: clock,
    });
    expect(prompt.requestedClaims).toEqual([]);
  });
});

describe('scopes and claims', () => {
  it('a scope counts as consented only if all its claims were released', () => {
    const catalogue = { profile: ['name', 'birth_year'], age_over_18: ['age_over_18'] };
    expect(scopesForClaims(['name', 'age_over_18'], catalogue)).toEqual(['age_over_18']);
    expect(scopesForClaims(['name', 'birth_year'], catalogue)).toEqual(['profile']);
  });
});

describe('the bridge (OpenID Connect)', () => {
  /** An authorization request as an application would send it; returns status and page. */
  async function authorize(clientId: string, redirectUri: string) {
    const query = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      scope: 'openid age_over_18',
      redirect_uri: redirectUri,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      state: 'xyz',
    });
    const response = await fetch(`${bridge.url}/auth?${query}`, { redirect: 'manual' });
    return {
      status: response.status,
      location: response.headers.get('location'),
      page: await response.text(),
    };
  }

  it('tells applications it binds responses to itself (RFC 9207 iss) and signs subs pairwise', async () => {
    const discovery = (await (
      await fetch(`${bridge.url}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: bridge.url,
      authorization_response_iss_parameter_supported: true,
      subject_types_supported: ['pairwise'],
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('sends a registered client with its registered redirect URI to the sign-in page', async () => {
    const ok = await authorize(shop.did, SHOP_CALLBACK);
    expect(ok.status).toBe(303);
    expect(ok.location).toMatch(/^\/interaction\//);
  });

  it('refuses a redirect URI the client has not registered, without redirecting', async () => {
    const bad = await authorize(shop.did, 'http://127.0.0.1:9/elsewhere');
    expect(bad.status).toBe(400);
    expect(bad.location).toBeNull();
    expect(bad.page).toContain('invalid_redirect_uri');
  });

  it('refuses an unregistered client', async () => {
    const stranger = await newDid(n.client, 'ed25519');
    const bad = await authorize(stranger.did, SHOP_CALLBACK);
    expect(bad.status).toBe(400);
    expect(bad.page).toContain('invalid_client');
  });

  /** An authorization request by a browser that keeps the bridge's cookies, up to its page. */
  async function signInPage(path = '') {
    const query = new URLSearchParams({
      client_id: shop.did,
      response_type: 'code',
      scope: 'openid age_over_18',
      redirect_uri: SHOP_CALLBACK,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const auth = await fetch(`${bridge.url}/auth?${query}`, { redirect: 'manual' });
    const cookie = auth.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const interaction = `${bridge.url}${auth.headers.get('location')!}`;
    const page = await (await fetch(`${interaction}${path}`, { headers: { cookie } })).text();
    const walletUri = /data-testid="wallet-uri" href="([^"]+)"/
      .exec(page)![1]!
      .replace(/&amp;/g, '&');
    return { cookie, interaction, page, walletUri };
  }

  /** The CLI wallet's part, in process: open, consent to age_over_18, answer. */
  async function walletAnswers(walletUri: string, consent = ['age_over_18']) {
    const prompt = await openLoginRequest(walletUri, n.client);
    return sendLoginAnswer(
      prompt,
      answerLoginRequest(prompt, {
        holderKid: n.holder.kid,
        signerFor: () => ({ type: n.holder.keyPair.type, privateKey: n.holder.keyPair.privateKey }),
        credentials: [n.holder.credential],
        consent,
      }),
    );
  }

  /** A whole same-device sign-in by one browser, up to the application's code. */
  async function codeFor(consent: string[]): Promise<string> {
    const { cookie, walletUri } = await signInPage();
    const jar = new Map(cookie.split('; ').map((c) => c.split('=') as [string, string]));
    let next = (await walletAnswers(walletUri, consent)).redirectUri!;
    for (let hop = 0; hop < 5; hop++) {
      const response = await fetch(next, {
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
        redirect: 'manual',
      });
      for (const c of response.headers.getSetCookie()) {
        const [k, v] = c.split(';')[0]!.split('=') as [string, string];
        jar.set(k, v);
      }
      next = new URL(response.headers.get('location')!, next).toString();
      if (next.startsWith(SHOP_CALLBACK)) return new URL(next).searchParams.get('code')!;
    }
    throw new Error('the bridge did not hand back a code');
  }

  /** The application's token request (PKCE, RFC 7636 appendix B verifier); the ID token's claims. */
  async function idTokenClaims(code: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${bridge.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: SHOP_CALLBACK,
        client_id: shop.did,
        code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      }).toString(),
    });
    const body = (await response.json()) as { id_token?: string };
    expect(response.status, JSON.stringify(body)).toBe(200);
    return JSON.parse(Buffer.from(body.id_token!.split('.')[1]!, 'base64url').toString());
  }

  it('keeps released claims per grant: a later sign-in does not change an earlier one’s', async () => {
    const first = await codeFor(['age_over_18']);
    const second = await codeFor([]);
    expect(await idTokenClaims(first)).toMatchObject({ age_over_18: true });
    expect(await idTokenClaims(second)).not.toHaveProperty('age_over_18');
  });

  it('same-device: finishes only with the one-time response_code the wallet was given', async () => {
    const { cookie, interaction, page, walletUri } = await signInPage();
    expect(page).not.toContain('/status'); // same-device pages do not poll
    const sent = await walletAnswers(walletUri);
    const back = new URL(sent.redirectUri!);
    expect(`${back.origin}${back.pathname}`).toBe(`${interaction}/finish`);
    const code = back.searchParams.get('response_code')!;
    expect(code.length).toBeGreaterThanOrEqual(32);
    // The browser that started (cookie) but did not come back from the wallet: refused.
    const finish = (query: string) =>
      fetch(`${interaction}/finish${query}`, { headers: { cookie }, redirect: 'manual' });
    const without = await finish('');
    expect(without.status).toBe(400);
    expect(await without.text()).toContain('response_code');
    expect((await finish(`?response_code=${code.slice(1)}x`)).status).toBe(400);
    // The browser the wallet sends back, with the session's cookie: continues to the application.
    const ok = await fetch(sent.redirectUri!, { headers: { cookie }, redirect: 'manual' });
    expect(ok.status).toBe(303);
    // …once: the code is spent.
    expect(
      (await fetch(sent.redirectUri!, { headers: { cookie }, redirect: 'manual' })).status,
    ).not.toBe(303);
  });

  it('cross-device, chosen on the page: the wallet gets no redirect and the page finishes by polling', async () => {
    const { cookie, interaction, page, walletUri } = await signInPage('/cross-device');
    expect(page).toContain(`/status`);
    const sent = await walletAnswers(walletUri);
    expect(sent.redirectUri).toBeUndefined();
    const finish = await fetch(`${interaction}/finish`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(finish.status).toBe(303);
  });

  it('refuses a suspended client, and takes it back once reinstated', async () => {
    await n.client.setApplicationStatus({ did: shop.did, status: 'suspended', signer: n.gov });
    const bad = await authorize(shop.did, SHOP_CALLBACK);
    expect(bad.status).toBe(400);
    expect(bad.page).toContain('invalid_client');
    await n.client.setApplicationStatus({ did: shop.did, status: 'active', signer: n.gov });
    expect((await authorize(shop.did, SHOP_CALLBACK)).status).toBe(303);
  });
});
