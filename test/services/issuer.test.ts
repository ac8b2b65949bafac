import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCompactJws } from '../../src/core/credentials/jws/index.ts';
import { decodeSdJwt, verifySdJwtVc } from '../../src/core/credentials/sd-jwt/index.ts';
import { generateKeyPair, publicKeyToJwk } from '../../src/core/keys/index.ts';
import type { KeyPair } from '../../src/core/keys/index.ts';
import { suspendAccreditation, reinstateAccreditation } from '../../src/clients/sdk/index.ts';
import {
  credentialOfferUri,
  parseCredentialOfferUri,
  PRE_AUTHORIZED_GRANT,
} from '../../src/services/issuer/index.ts';
import {
  createOffer,
  DEGREE,
  DEGREE_CLAIMS,
  newDid,
  openIssuerNetwork,
  TEMPLATE_ID,
} from '../helpers/issuer-network.ts';
import type { IssuerNetwork } from '../helpers/issuer-network.ts';

let n: IssuerNetwork;
beforeAll(async () => {
  n = await openIssuerNetwork({
    allocateStatus: async () => ({ uri: 'https://status.example/lists/1', idx: 42 }),
  });
});
afterAll(async () => {
  await n.close();
});

type Json = Record<string, unknown>;

async function post(path: string, init: RequestInit): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${n.service.url}${path}`, { method: 'POST', ...init });
  return { status: response.status, body: (await response.json()) as Json };
}

/** Creates an offer and redeems its pre-authorized code: the access token and the code. */
async function tokenFor(claims: Json = DEGREE_CLAIMS, extra: Json = {}) {
  const offer = await createOffer(n.service, { template: TEMPLATE_ID, claims, ...extra });
  expect(offer.status).toBe(201);
  const credentialOffer = offer.body.credential_offer as Json;
  const grants = credentialOffer.grants as Record<string, Json>;
  const code = grants[PRE_AUTHORIZED_GRANT]!['pre-authorized_code'] as string;
  const token = await redeem(code);
  expect(token.status).toBe(200);
  return { accessToken: token.body.access_token as string, code, offer: offer.body };
}

function redeem(code: string, txCode?: string) {
  const form = new URLSearchParams({
    grant_type: PRE_AUTHORIZED_GRANT,
    'pre-authorized_code': code,
  });
  if (txCode !== undefined) form.set('tx_code', txCode);
  return post('/token', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
}

async function nonce(): Promise<string> {
  return (await post('/nonce', {})).body.c_nonce as string;
}

interface ProofOptions {
  key?: KeyPair;
  header?: Json;
  aud?: string;
  iat?: number;
  nonce?: string;
}

async function proof(o: ProofOptions = {}): Promise<string> {
  const key = o.key ?? n.holder.keyPair;
  return signCompactJws(
    { typ: 'openid4vci-proof+jwt', ...(o.header ?? { kid: n.holder.kid }) },
    {
      aud: o.aud ?? n.service.url,
      iat: o.iat ?? Math.floor(Date.now() / 1000),
      nonce: o.nonce ?? (await nonce()),
    },
    { type: key.type, privateKey: key.privateKey },
  );
}

function requestCredential(accessToken: string, jwt: string, format = 'dc+sd-jwt') {
  return post('/credential', {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({
      credential_configuration_id: `${TEMPLATE_ID}.${format}`,
      proofs: { jwt: [jwt] },
    }),
  });
}

describe('the OpenID4VCI issuer', () => {
  it('publishes metadata with a dc+sd-jwt and a jwt_vc_json configuration per template', async () => {
    const metadata = (await (
      await fetch(`${n.service.url}/.well-known/openid-credential-issuer`)
    ).json()) as Json;
    expect(metadata).toMatchObject({
      credential_issuer: n.service.url,
      credential_endpoint: `${n.service.url}/credential`,
      nonce_endpoint: `${n.service.url}/nonce`,
    });
    const configs = metadata.credential_configurations_supported as Record<string, Json>;
    expect(Object.keys(configs).sort()).toEqual([
      `${TEMPLATE_ID}.dc+sd-jwt`,
      `${TEMPLATE_ID}.jwt_vc_json`,
    ]);
    expect(configs[`${TEMPLATE_ID}.dc+sd-jwt`]).toMatchObject({ format: 'dc+sd-jwt', vct: DEGREE });
    expect(configs[`${TEMPLATE_ID}.jwt_vc_json`]).toMatchObject({
      credential_definition: { type: ['VerifiableCredential', DEGREE] },
    });
    const display = (configs[`${TEMPLATE_ID}.dc+sd-jwt`]!.credential_metadata as Json).display;
    expect(display).toEqual([
      { name: '学位证书', locale: 'zh-CN', description: '高校颁发的学位证书' },
      { name: 'University degree', locale: 'en' },
    ]);
    const as = (await (
      await fetch(`${n.service.url}/.well-known/oauth-authorization-server`)
    ).json()) as Json;
    expect(as).toMatchObject({ token_endpoint: `${n.service.url}/token` });
  });

  it('makes an offer reachable by credential_offer_uri, for the operator only', async () => {
    const refused = await createOffer(
      n.service,
      { template: TEMPLATE_ID, claims: DEGREE_CLAIMS },
      'wrong',
    );
    expect(refused.status).toBe(403);
    const { status, body } = await createOffer(n.service, {
      template: TEMPLATE_ID,
      claims: DEGREE_CLAIMS,
    });
    expect(status).toBe(201);
    expect(body.offer_uri).toBe(credentialOfferUri(body.credential_offer_uri as string));
    const location = parseCredentialOfferUri(body.offer_uri as string);
    expect(location).toEqual({ uri: `${n.service.url}/offers/${String(body.id)}` });
    const fetched = (await (await fetch((location as { uri: string }).uri)).json()) as Json;
    expect(fetched).toEqual(body.credential_offer);
    expect(fetched.credential_configuration_ids).toEqual([
      `${TEMPLATE_ID}.dc+sd-jwt`,
      `${TEMPLATE_ID}.jwt_vc_json`,
    ]);
  });

  it('refuses claims that fail the template schema with malformed and the schema errors', async () => {
    const { year: _year, ...withoutYear } = DEGREE_CLAIMS;
    const { status, body } = await createOffer(n.service, {
      template: TEMPLATE_ID,
      claims: { ...withoutYear, gpa: 'high', extra: 1 },
    });
    expect(status).toBe(400);
    expect(body.code).toBe('malformed');
    const errors = (body.details as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(errors.sort()).toEqual(['/extra', '/gpa', '/year']);
    const reserved = await createOffer(n.service, {
      template: TEMPLATE_ID,
      claims: { ...DEGREE_CLAIMS, iss: 'did:ddi:someone' },
    });
    expect(reserved.status).toBe(400);
    const unknown = await createOffer(n.service, { template: 'edu.other', claims: DEGREE_CLAIMS });
    expect(unknown.status).toBe(404);
  });

  it('issues an SD-JWT VC with every claim disclosable, cnf.jwk = the holder key and a status', async () => {
    const { accessToken } = await tokenFor();
    const { status, body } = await requestCredential(accessToken, await proof());
    expect(status).toBe(200);
    const credential = (body.credentials as { credential: string }[])[0]!.credential;
    const decoded = decodeSdJwt(credential);
    expect(decoded.header).toMatchObject({ typ: 'dc+sd-jwt', kid: n.issuer.signer.kid });
    expect(decoded.signedPayload).toMatchObject({
      iss: n.issuer.did,
      vct: DEGREE,
      cnf: { jwk: publicKeyToJwk(n.holder.keyPair.type, n.holder.keyPair.publicKey) },
      status: { status_list: { idx: 42, uri: 'https://status.example/lists/1' } },
    });
    // Every claim is behind a disclosure: none is in the signed payload in the clear.
    for (const name of Object.keys(DEGREE_CLAIMS))
      expect(decoded.signedPayload).not.toHaveProperty(name);
    expect(decoded.disclosures.map((d) => d.name).sort()).toEqual(
      Object.keys(DEGREE_CLAIMS).sort(),
    );
    const verified = await verifySdJwtVc(credential, {
      resolveIssuerKey: () => ({
        type: n.issuer.signer.keyPair.type,
        publicKey: n.issuer.signer.keyPair.publicKey,
      }),
    });
    expect(verified.payload).toMatchObject(DEGREE_CLAIMS);
    // One offer, one credential: the access token is spent.
    const again = await requestCredential(accessToken, await proof());
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('invalid_token');
  });

  it('binds a credential to a jwk header key too (SD-JWT VC only)', async () => {
    const key = generateKeyPair('p256');
    const jwk = publicKeyToJwk(key.type, key.publicKey);
    const { accessToken } = await tokenFor();
    const jwtVc = await requestCredential(
      accessToken,
      await proof({ key, header: { jwk } }),
      'jwt_vc_json',
    );
    expect(jwtVc.body.error).toBe('invalid_proof');
    const { status, body } = await requestCredential(
      accessToken,
      await proof({ key, header: { jwk } }),
    );
    expect(status).toBe(200);
    const credential = (body.credentials as { credential: string }[])[0]!.credential;
    expect(decodeSdJwt(credential).signedPayload.cnf).toEqual({ jwk });
  });

  it('refuses a reused or unknown pre-authorized code with invalid_grant', async () => {
    const { code } = await tokenFor();
    const reused = await redeem(code);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    expect((await redeem('no-such-code')).body.error).toBe('invalid_grant');
    const wrongGrant = await post('/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x' }).toString(),
    });
    expect(wrongGrant.body.error).toBe('unsupported_grant_type');
  });

  it('asks for the tx_code when the offer has one, and burns the code on a wrong one', async () => {
    const offer = await createOffer(n.service, {
      template: TEMPLATE_ID,
      claims: DEGREE_CLAIMS,
      txCode: true,
    });
    const txCode = offer.body.tx_code as string;
    expect(txCode).toMatch(/^[0-9]{6}$/);
    const grant = (offer.body.credential_offer as { grants: Record<string, Json> }).grants[
      PRE_AUTHORIZED_GRANT
    ]!;
    expect(grant.tx_code).toMatchObject({ input_mode: 'numeric', length: 6 });
    const wrong = txCode === '000000' ? '000001' : '000000';
    expect((await redeem(grant['pre-authorized_code'] as string, wrong)).body.error).toBe(
      'invalid_grant',
    );
    expect((await redeem(grant['pre-authorized_code'] as string, txCode)).body.error).toBe(
      'invalid_grant',
    );
  });

  it('refuses an expired pre-authorized code', async () => {
    const short = await openIssuerNetwork({ lifetimes: { offerMs: 50 } });
    try {
      const offer = await createOffer(short.service, {
        template: TEMPLATE_ID,
        claims: DEGREE_CLAIMS,
      });
      await new Promise((resolve) => setTimeout(resolve, 80));
      const grants = (offer.body.credential_offer as { grants: Record<string, Json> }).grants;
      const response = await fetch(`${short.service.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: PRE_AUTHORIZED_GRANT,
          'pre-authorized_code': grants[PRE_AUTHORIZED_GRANT]!['pre-authorized_code'] as string,
        }).toString(),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as Json).error).toBe('invalid_grant');
      expect((await fetch(offer.body.credential_offer_uri as string)).status).toBe(404);
    } finally {
      await short.close();
    }
  });

  it('refuses a wrong, reused or expired nonce with invalid_nonce', async () => {
    const { accessToken } = await tokenFor();
    const wrong = await requestCredential(accessToken, await proof({ nonce: 'made-up' }));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_nonce');
    const used = await nonce();
    expect((await requestCredential(accessToken, await proof({ nonce: used }))).status).toBe(200);
    const { accessToken: second } = await tokenFor();
    const reused = await requestCredential(second, await proof({ nonce: used }));
    expect(reused.body.error).toBe('invalid_nonce');

    const short = await openIssuerNetwork({ lifetimes: { nonceMs: 30 } });
    try {
      const offer = await createOffer(short.service, {
        template: TEMPLATE_ID,
        claims: DEGREE_CLAIMS,
      });
      const code = (offer.body.credential_offer as { grants: Record<string, Json> }).grants[
        PRE_AUTHORIZED_GRANT
      ]!['pre-authorized_code'] as string;
      const token = (await (
        await fetch(`${short.service.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: PRE_AUTHORIZED_GRANT,
            'pre-authorized_code': code,
          }).toString(),
        })
      ).json()) as Json;
      const cNonce = (
        (await (await fetch(`${short.service.url}/nonce`, { method: 'POST' })).json()) as Json
      ).c_nonce as string;
      await new Promise((resolve) => setTimeout(resolve, 60));
      const jwt = signCompactJws(
        { typ: 'openid4vci-proof+jwt', kid: short.holder.kid },
        { aud: short.service.url, iat: Math.floor(Date.now() / 1000), nonce: cNonce },
        { type: short.holder.keyPair.type, privateKey: short.holder.keyPair.privateKey },
      );
      const response = await fetch(`${short.service.url}/credential`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${String(token.access_token)}`,
        },
        body: JSON.stringify({
          credential_configuration_id: `${TEMPLATE_ID}.dc+sd-jwt`,
          proofs: { jwt: [jwt] },
        }),
      });
      expect(((await response.json()) as Json).error).toBe('invalid_nonce');
    } finally {
      await short.close();
    }
  });

  it('refuses proofs signed by another key, for another audience, stale, or without typ', async () => {
    const { accessToken } = await tokenFor();
    const other = generateKeyPair(n.holder.keyPair.type);
    const cases: [string, Promise<string>][] = [
      ['another key under the holder kid', proof({ key: other })],
      ['another audience', proof({ aud: 'https://elsewhere.example' })],
      ['an old iat', proof({ iat: Math.floor(Date.now() / 1000) - 3600 })],
      ['a future iat', proof({ iat: Math.floor(Date.now() / 1000) + 3600 })],
      ['a kid that is not a DID key', proof({ header: { kid: `${n.holder.did}#key-9` } })],
      [
        'both kid and jwk',
        proof({
          header: {
            kid: n.holder.kid,
            jwk: publicKeyToJwk(n.holder.keyPair.type, n.holder.keyPair.publicKey),
          },
        }),
      ],
    ];
    for (const [what, jwt] of cases) {
      const response = await requestCredential(accessToken, await jwt);
      expect(response.status, what).toBe(400);
      expect(response.body.error, what).toBe('invalid_proof');
    }
    const untyped = signCompactJws(
      { kid: n.holder.kid },
      { aud: n.service.url, iat: Math.floor(Date.now() / 1000), nonce: await nonce() },
      { type: n.holder.keyPair.type, privateKey: n.holder.keyPair.privateKey },
    );
    expect((await requestCredential(accessToken, untyped)).body.error).toBe('invalid_proof');
    // None of the refusals spent the token.
    expect((await requestCredential(accessToken, await proof())).status).toBe(200);
  });

  it('issues only to the holder an offer names', async () => {
    const stranger = await newDid(n.client);
    const { accessToken } = await tokenFor(DEGREE_CLAIMS, { holder: stranger.did });
    const mine = await requestCredential(accessToken, await proof());
    expect(mine.body.error).toBe('invalid_proof');
    const theirs = await proof({ key: stranger.keyPair, header: { kid: stranger.signer.kid } });
    expect((await requestCredential(accessToken, theirs)).status).toBe(200);
  });

  it('refuses unknown configurations and malformed requests in OAuth terms', async () => {
    const { accessToken } = await tokenFor();
    const unknown = await post('/credential', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        credential_configuration_id: 'x.mso_mdoc',
        proofs: { jwt: [await proof()] },
      }),
    });
    expect(unknown.body.error).toBe('unknown_credential_configuration');
    const malformed = await post('/credential', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ credential_configuration_id: 7 }),
    });
    expect(malformed).toMatchObject({ status: 400, body: { error: 'invalid_credential_request' } });
  });

  it('refuses to offer or issue once the issuer is not accredited for the type', async () => {
    const { accessToken } = await tokenFor();
    await suspendAccreditation(n.client.transport, {
      accreditation: n.issuer.accreditation,
      signer: n.gov,
    });
    try {
      const denied = await requestCredential(accessToken, await proof());
      expect(denied.status).toBe(400);
      expect(denied.body.error).toBe('credential_request_denied');
      const offer = await createOffer(n.service, { template: TEMPLATE_ID, claims: DEGREE_CLAIMS });
      expect(offer.status).toBe(403);
      expect(offer.body.code).toBe('unauthorized');
    } finally {
      await reinstateAccreditation(n.client.transport, {
        accreditation: n.issuer.accreditation,
        signer: n.gov,
      });
    }
    expect(
      (await createOffer(n.service, { template: TEMPLATE_ID, claims: DEGREE_CLAIMS })).status,
    ).toBe(201);
  });
});
