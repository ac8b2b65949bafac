import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCompactJwsUnverified } from '../../src/core/credentials/jws/index.ts';
import { decodeSdJwt, verifySdJwt } from '../../src/core/credentials/sd-jwt/index.ts';
import { DdiError } from '../../src/core/errors.ts';
import {
  presentCredentials,
  receiveCredential,
  summarizeCredential,
  WalletStore,
} from '../../src/clients/wallet/index.ts';
import type { StoredCredential } from '../../src/clients/wallet/index.ts';
import {
  createOffer,
  DEGREE,
  DEGREE_CLAIMS,
  openIssuerNetwork,
  TEMPLATE_ID,
} from '../helpers/issuer-network.ts';
import type { IssuerNetwork } from '../helpers/issuer-network.ts';
import { tempDir } from '../helpers/temp-node.ts';

let n: IssuerNetwork;
const dir = tempDir('ddi-wallet-');
beforeAll(async () => {
  n = await openIssuerNetwork();
});
afterAll(async () => {
  await n.close();
  dir.cleanup();
});

async function offerUri(extra: Record<string, unknown> = {}): Promise<string> {
  const offer = await createOffer(n.service, {
    template: TEMPLATE_ID,
    claims: DEGREE_CLAIMS,
    ...extra,
  });
  expect(offer.status).toBe(201);
  return offer.body.offer_uri as string;
}

const holderSigner = () => ({
  type: n.holder.keyPair.type,
  privateKey: n.holder.keyPair.privateKey,
});

const degreeQuery = (format: string, paths: string[][]) => ({
  credentials: [
    {
      id: 'degree',
      format,
      meta:
        format === 'dc+sd-jwt'
          ? { vct_values: [DEGREE] }
          : { type_values: [['VerifiableCredential', DEGREE]] },
      claims: paths.map((path) => ({ path })),
    },
  ],
});

describe('the wallet', () => {
  let sdJwt: StoredCredential;
  let vcJwt: StoredCredential;
  const path = join(dir.dir, 'wallet.json');

  it('receives an SD-JWT VC and a vc+jwt over the pre-authorized code flow and stores them encrypted', async () => {
    const store = WalletStore.open(path, 'wallet passphrase');
    const holder = { kid: n.holder.kid, keyPair: n.holder.keyPair };
    sdJwt = store.add(await receiveCredential({ offerUri: await offerUri(), holder }));
    vcJwt = store.add(
      await receiveCredential({ offerUri: await offerUri(), holder, format: 'jwt_vc_json' }),
    );
    store.save();
    expect(sdJwt).toMatchObject({
      format: 'dc+sd-jwt',
      issuerUrl: n.service.url,
      credentialConfigurationId: `${TEMPLATE_ID}.dc+sd-jwt`,
      holderKid: n.holder.kid,
    });
    const { payload } = decodeCompactJwsUnverified(vcJwt.credential);
    expect(payload.credentialSubject).toEqual({ ...DEGREE_CLAIMS, id: n.holder.did });
    expect(payload.type).toEqual(['VerifiableCredential', DEGREE]);

    // Encrypted on disk, 0600, and reopened with the passphrase.
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(DEGREE_CLAIMS.university);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(WalletStore.open(path, 'wallet passphrase').credentials()).toHaveLength(2);
    expect(() => WalletStore.open(path, 'wrong')).toThrow(DdiError);
  });

  it('lists claim names without values unless asked', () => {
    const summary = summarizeCredential(sdJwt);
    expect(summary).toMatchObject({ type: DEGREE, issuer: n.issuer.did, format: 'dc+sd-jwt' });
    expect(summary.claimNames.sort()).toEqual(Object.keys(DEGREE_CLAIMS).sort());
    expect(JSON.stringify(summary)).not.toContain(DEGREE_CLAIMS.university);
    expect(summarizeCredential(vcJwt, true).claims).toEqual(DEGREE_CLAIMS);
    expect(summarizeCredential(vcJwt).expires).toMatch(/^\d{4}-/);
  });

  it('presents exactly the 2 of 8 claims a DCQL query asks for, with key binding', async () => {
    const request = {
      nonce: 'n-0S6_WzA2Mj',
      client_id: 'x509_san_dns:verifier.example',
      dcql_query: degreeQuery('dc+sd-jwt', [['degree'], ['year']]),
    };
    const { vp_token } = presentCredentials(request, [vcJwt, sdJwt], holderSigner);
    expect(Object.keys(vp_token)).toEqual(['degree']);
    const [presentation] = vp_token.degree!;
    const decoded = decodeSdJwt(presentation!);
    expect(decoded.disclosures.map((d) => d.name).sort()).toEqual(['degree', 'year']);
    expect(decoded.keyBindingJwt).toBeDefined();
    const verified = await verifySdJwt(presentation!, {
      resolveIssuerKey: () => ({
        type: n.issuer.signer.keyPair.type,
        publicKey: n.issuer.signer.keyPair.publicKey,
      }),
      requireKeyBinding: { aud: request.client_id, nonce: request.nonce },
    });
    expect(verified.payload).toMatchObject({ degree: DEGREE_CLAIMS.degree, year: 2024 });
    expect(verified.payload).not.toHaveProperty('givenName');
    expect(verified.payload).not.toHaveProperty('birthDate');
  });

  it('presents a vc+jwt inside a vp+jwt for a jwt_vc_json query', async () => {
    const request = {
      nonce: 'nonce-2',
      client_id: 'https://verifier.example',
      dcql_query: degreeQuery('jwt_vc_json', [['credentialSubject', 'degree']]),
    };
    const { vp_token } = presentCredentials(request, [sdJwt, vcJwt], holderSigner);
    const vp = vp_token.degree![0]!;
    const { header, payload } = decodeCompactJwsUnverified(vp);
    expect(header).toMatchObject({ typ: 'vp+jwt', kid: n.holder.kid });
    expect(payload).toMatchObject({
      aud: request.client_id,
      nonce: request.nonce,
      holder: n.holder.did,
    });
    expect(JSON.stringify(payload.verifiableCredential)).toContain(vcJwt.credential);
  });

  it('refuses a query the wallet cannot answer', () => {
    const request = {
      nonce: 'x',
      client_id: 'https://verifier.example',
      dcql_query: degreeQuery('dc+sd-jwt', [['driverLicenseNumber']]),
    };
    expect(() => presentCredentials(request, [sdJwt, vcJwt], holderSigner)).toThrow(
      expect.objectContaining({ code: 'invalidCredential' }),
    );
  });

  it('reports the issuer refusing a used offer', async () => {
    const uri = await offerUri();
    const holder = { kid: n.holder.kid, keyPair: n.holder.keyPair };
    await receiveCredential({ offerUri: uri, holder });
    await expect(receiveCredential({ offerUri: uri, holder })).rejects.toThrow(DdiError);
  });
});
