import { ledgerActions } from '../helpers/ledger-actions.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { generateKeyPair, publicKeyToJwk } from '../../src/core/keys/index.ts';
import type { KeyPair } from '../../src/core/keys/key-type.ts';
import {
  issueSdJwtVc,
  presentSdJwt,
  decodeSdJwt,
} from '../../src/core/credentials/sd-jwt/index.ts';
import { envelopeVcJwt, issueVcJwt, issueVpJwt } from '../../src/core/credentials/vc-jwt/index.ts';
import { ledgerVerificationContext } from '../../src/services/verifier/ledger-verification-context.ts';
import { PresentationVerifier } from '../../src/services/verifier/presentation-verifier.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import { governanceTx, makeDid, openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

const TYPE = 'DegreeCredential';
const CLAIMS = [
  'given_name',
  'family_name',
  'degree',
  'university',
  'year',
  'honours',
  'major',
  'student_id',
] as const;
const URI = (listId: string) => `https://issuer.example/status/${listId}`;

let t: TestNode;
const { by, commit } = ledgerActions(() => t);
let issuer: TestDid;
let holder: TestDid;
let verifier: PresentationVerifier;
let statusVersion = 1;
const listId = 'degree-list-1';
let authorityAcc: string;

async function setStatus(index: number, status: number): Promise<void> {
  await commit(
    by(issuer, 'status.set', {
      owner: issuer.did,
      listId,
      changes: [{ index, status }],
      previousVersion: statusVersion,
    }),
  );
  statusVersion++;
}

function sdJwtVc(from: TestDid, index: number, key: KeyPair = from.signing): string {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: from.did,
    vct: TYPE,
    iat: now,
    exp: now + 3600,
    sub: holder.did,
    cnf: { jwk: publicKeyToJwk(holder.signing.type, holder.signing.publicKey) },
    status: { status_list: { idx: index, uri: URI(listId) } },
    given_name: 'Mei',
    family_name: 'Li',
    degree: 'BSc',
    university: 'Example University',
    year: 2024,
    honours: true,
    major: 'Physics',
    student_id: 'S-1',
  };
  return issueSdJwtVc({
    header: { kid: `${from.did}#key-1` },
    payload: payload as never,
    disclosable: CLAIMS.map((c) => [c]),
    signer: { type: key.type, privateKey: key.privateKey },
  });
}

async function present(credential: string, nonce?: string) {
  const request = verifier.createRequest();
  const presentation = presentSdJwt(credential, {
    disclose: [['degree'], ['year']],
    keyBinding: {
      aud: request.client_id,
      nonce: nonce ?? request.nonce,
      signer: { type: holder.signing.type, privateKey: holder.signing.privateKey },
    },
  });
  return { presentation, nonce: nonce ?? request.nonce };
}

beforeAll(async () => {
  t = await openTestNode();
  issuer = makeDid(t.chainId, 'sm2');
  holder = makeDid(t.chainId, 'ed25519');
  await commit(issuer.createTx);
  await commit(holder.createTx);
  const accredited = await t.node.submit(
    governanceTx(t, 'trust.accredit', {
      nonce: randomBytes(9).toString('base64url'),
      subject: issuer.did,
      role: 'credentialIssuer',
      scope: { credentialTypes: [TYPE] },
      validUntil: Date.now() + 86_400_000,
    }),
    { wait: true },
  );
  authorityAcc = accredited.id;
  await commit(
    by(issuer, 'template.register', {
      template: {
        id: 'edu.example.degree',
        version: 1,
        credentialType: TYPE,
        schema: {
          type: 'object',
          properties: Object.fromEntries(
            CLAIMS.map((c) => [
              c,
              c === 'year'
                ? { type: 'integer' }
                : c === 'honours'
                  ? { type: 'boolean' }
                  : { type: 'string' },
            ]),
          ),
          required: ['degree', 'university'],
        },
        display: { 'zh-CN': { name: '学位证书' }, en: { name: 'Degree' } },
      },
    }),
  );
  await commit(by(issuer, 'status.createList', { listId, purpose: 'revocation+suspension' }));
  verifier = new PresentationVerifier(ledgerVerificationContext(t.ledger), {
    clientId: 'https://verifier.example',
  });
});
afterAll(async () => {
  await t.close();
});

describe('the verifier: may I rely on this?', () => {
  it('accepts 2 of 8 claims presented from an SD-JWT VC, then rejects it once revoked', async () => {
    const credential = sdJwtVc(issuer, 7);
    const { presentation, nonce } = await present(credential);
    expect(
      decodeSdJwt(presentation)
        .disclosures.map((d) => d.name)
        .sort(),
    ).toEqual(['degree', 'year']);
    const ok = await verifier.verify({ nonce, format: 'dc+sd-jwt', presentation });
    expect(ok.reasons).toEqual([]);
    expect(ok.verified).toBe(true);
    expect(ok.claims).toMatchObject({ degree: 'BSc', year: 2024 });
    expect(ok.claims).not.toHaveProperty('given_name');
    expect(ok.checks.map((c) => c.check)).toEqual(
      expect.arrayContaining([
        'issuerKey',
        'signature',
        'holderBinding',
        'validity',
        'accreditation',
        'schema',
        'status',
      ]),
    );

    await setStatus(7, 1);
    const again = await present(credential);
    const revoked = await verifier.verify({
      nonce: again.nonce,
      format: 'dc+sd-jwt',
      presentation: again.presentation,
    });
    expect(revoked.verified).toBe(false);
    expect(revoked.reasons).toEqual(['revoked']);
  });

  it('rejects while suspended and accepts again after reinstatement', async () => {
    const credential = sdJwtVc(issuer, 8);
    await setStatus(8, 2);
    let p = await present(credential);
    expect(
      (await verifier.verify({ nonce: p.nonce, format: 'dc+sd-jwt', presentation: p.presentation }))
        .reasons,
    ).toEqual(['suspended']);
    await setStatus(8, 0);
    p = await present(credential);
    expect(
      (await verifier.verify({ nonce: p.nonce, format: 'dc+sd-jwt', presentation: p.presentation }))
        .verified,
    ).toBe(true);
  });

  it('rejects a replayed presentation (old nonce) and one made for another verifier', async () => {
    const credential = sdJwtVc(issuer, 9);
    const p = await present(credential);
    expect(
      (await verifier.verify({ nonce: p.nonce, format: 'dc+sd-jwt', presentation: p.presentation }))
        .verified,
    ).toBe(true);
    const replay = await verifier.verify({
      nonce: p.nonce,
      format: 'dc+sd-jwt',
      presentation: p.presentation,
    });
    expect(replay.verified).toBe(false);
    expect(replay.reasons).toContain('nonceUnknown');
    const other = new PresentationVerifier(ledgerVerificationContext(t.ledger), {
      clientId: 'https://other.example',
    });
    const request = other.createRequest();
    const forOther = presentSdJwt(credential, {
      disclose: [['degree']],
      keyBinding: {
        aud: 'https://verifier.example',
        nonce: request.nonce,
        signer: { type: holder.signing.type, privateKey: holder.signing.privateKey },
      },
    });
    expect(
      (await other.verify({ nonce: request.nonce, format: 'dc+sd-jwt', presentation: forOther }))
        .reasons,
    ).toContain('audienceMismatch');
  });

  it('rejects a credential from an issuer never accredited, and one issued while the issuer was suspended', async () => {
    const stranger = makeDid(t.chainId, 'ed25519');
    await commit(stranger.createTx);
    const p = await present(sdJwtVc(stranger, 1));
    const verdict = await verifier.verify({
      nonce: p.nonce,
      format: 'dc+sd-jwt',
      presentation: p.presentation,
    });
    expect(verdict.verified).toBe(false);
    expect(verdict.reasons).toEqual(expect.arrayContaining(['notAccredited', 'noTemplate']));

    await commit(
      governanceTx(t, 'trust.setStatus', {
        accreditation: authorityAcc,
        previousVersion: 1,
        status: 'suspended',
      }),
    );
    await new Promise((r) => setTimeout(r, 1100)); // iat has second precision
    const duringSuspension = sdJwtVc(issuer, 10);
    await new Promise((r) => setTimeout(r, 1100));
    await commit(
      governanceTx(t, 'trust.setStatus', {
        accreditation: authorityAcc,
        previousVersion: 2,
        status: 'active',
      }),
    );
    const q = await present(duringSuspension);
    expect(
      (await verifier.verify({ nonce: q.nonce, format: 'dc+sd-jwt', presentation: q.presentation }))
        .reasons,
    ).toEqual(['suspended']);
    const after = await present(sdJwtVc(issuer, 11));
    expect(
      (
        await verifier.verify({
          nonce: after.nonce,
          format: 'dc+sd-jwt',
          presentation: after.presentation,
        })
      ).verified,
    ).toBe(true);
  });

  it('reports every reason of a forgery: a key not in the issuer document and a bad signature', async () => {
    const forged = sdJwtVc(issuer, 12, generateKeyPair('sm2'));
    const p = await present(forged);
    const verdict = await verifier.verify({
      nonce: p.nonce,
      format: 'dc+sd-jwt',
      presentation: p.presentation,
    });
    expect(verdict.verified).toBe(false);
    expect(verdict.reasons).toContain('badSignature');
    expect(verdict.claims).toBeUndefined();
  });

  it('verifies a vc+jwt in a VP-JWT with the same checks, including status', async () => {
    const now = new Date();
    const vc = issueVcJwt(
      {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential', TYPE],
        issuer: issuer.did,
        validFrom: new Date(now.getTime()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        credentialSubject: { id: holder.did, degree: 'MSc', university: 'Example University' },
        credentialStatus: {
          type: 'BitstringStatusListEntry',
          statusPurpose: 'revocation',
          statusListIndex: '20',
          statusListCredential: URI(listId),
        },
      },
      { type: issuer.signing.type, privateKey: issuer.signing.privateKey },
      { kid: `${issuer.did}#key-1` },
    );
    const vpFor = (nonce: string, aud: string) =>
      issueVpJwt(
        {
          '@context': ['https://www.w3.org/ns/credentials/v2'],
          type: ['VerifiablePresentation'],
          holder: holder.did,
          verifiableCredential: [envelopeVcJwt(vc)],
        },
        { kid: `${holder.did}#key-1`, aud, nonce, issuedAt: new Date() },
        { type: holder.signing.type, privateKey: holder.signing.privateKey },
      );
    let request = verifier.createRequest();
    const ok = await verifier.verify({
      nonce: request.nonce,
      format: 'jwt_vc_json',
      presentation: vpFor(request.nonce, request.client_id),
    });
    expect(ok.reasons).toEqual([]);
    expect(ok.claims).toMatchObject({ degree: 'MSc' });
    await setStatus(20, 1);
    request = verifier.createRequest();
    const revoked = await verifier.verify({
      nonce: request.nonce,
      format: 'jwt_vc_json',
      presentation: vpFor(request.nonce, request.client_id),
    });
    expect(revoked.reasons).toEqual(['revoked']);
  });

  it('serves the same over HTTP: a request, a verdict, a replay refused, bad input rejected', async () => {
    const app = await buildHttpServer(t.node, { verifierClientId: 'https://rp.example' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const post = async (path: string, body: unknown) => {
      const res = await fetch(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    try {
      const request = (await post('/v1/verifier/requests', {})).body as {
        nonce: string;
        client_id: string;
      };
      expect(request.client_id).toBe('https://rp.example');
      const presentation = presentSdJwt(sdJwtVc(issuer, 30), {
        disclose: [['degree']],
        keyBinding: {
          aud: request.client_id,
          nonce: request.nonce,
          signer: { type: holder.signing.type, privateKey: holder.signing.privateKey },
        },
      });
      const verdict = await post('/v1/verifier/presentations', {
        nonce: request.nonce,
        format: 'dc+sd-jwt',
        presentation,
      });
      expect(verdict.status).toBe(200);
      expect(verdict.body).toMatchObject({
        verified: true,
        credentialType: TYPE,
        claims: { degree: 'BSc' },
      });
      const replay = await post('/v1/verifier/presentations', {
        nonce: request.nonce,
        format: 'dc+sd-jwt',
        presentation,
      });
      expect(replay.body).toMatchObject({ verified: false });
      expect(replay.body.reasons).toContain('nonceUnknown');
      expect(
        (await post('/v1/verifier/presentations', { nonce: 'x', format: 'mso_mdoc', presentation }))
          .status,
      ).toBe(400);
      expect(
        (await post('/v1/verifier/requests', { dcql_query: { credentials: 'nope' } })).body.code,
      ).toBe('malformed');
    } finally {
      await app.close();
    }
  });
});
