import { generateKeyPair } from '../../src/core/keys/index.ts';
import type { KeyPair } from '../../src/core/keys/index.ts';
import type { CredentialTemplate } from '../../src/core/templates/credential-template.ts';
import {
  accredit,
  createClient,
  didSigner,
  governanceSigners,
  inProcessTransport,
  registerTemplate,
} from '../../src/clients/sdk/index.ts';
import type { DdiClient, DidSigner, GovernanceSigners } from '../../src/clients/sdk/index.ts';
import { startIssuer } from '../../src/services/issuer/index.ts';
import type { IssuerServiceOptions, RunningIssuer } from '../../src/services/issuer/index.ts';
import { openTestNode } from './temp-node.ts';
import type { TestNode } from './temp-node.ts';

export const DEGREE = 'UniversityDegreeCredential';
export const TEMPLATE_ID = 'edu.example.degree';
export const OPERATOR_TOKEN = 'operator-secret-token';

/** Eight claims, so a presentation can show that exactly the asked-for ones are disclosed. */
export const DEGREE_CLAIMS = {
  givenName: '明',
  familyName: '李',
  birthDate: '2000-01-02',
  nationality: 'CN',
  degree: 'Bachelor of Science',
  university: 'Example University',
  year: 2024,
  gpa: 3.7,
};

export function degreeTemplate(): CredentialTemplate {
  const text = { type: 'string', minLength: 1 };
  return {
    id: TEMPLATE_ID,
    version: 1,
    credentialType: DEGREE,
    schema: {
      type: 'object',
      properties: {
        givenName: text,
        familyName: text,
        birthDate: text,
        nationality: text,
        degree: text,
        university: text,
        year: { type: 'integer', minimum: 1900 },
        gpa: { type: 'number' },
      },
      required: ['givenName', 'familyName', 'degree', 'year'],
      additionalProperties: false,
    },
    display: {
      'zh-CN': { name: '学位证书', description: '高校颁发的学位证书' },
      en: { name: 'University degree' },
    },
  };
}

export interface IssuerNetwork {
  t: TestNode;
  client: DdiClient;
  issuer: { did: string; signer: DidSigner; accreditation: string };
  holder: { did: string; kid: string; keyPair: KeyPair };
  gov: GovernanceSigners;
  service: RunningIssuer;
  close(): Promise<void>;
}

/** A DID with one signing key (key-1) on the test node. */
export async function newDid(
  client: DdiClient,
  type: KeyPair['type'] = 'ed25519',
): Promise<{ did: string; signer: DidSigner; keyPair: KeyPair }> {
  const keyPair = generateKeyPair(type);
  const { did } = await client.createDid({
    signingKey: keyPair,
    recoveryKey: generateKeyPair(type),
  });
  return { did, signer: didSigner(did, 'key-1', keyPair), keyPair };
}

/**
 * An embedded node where the regulator accredits an issuer for degrees, the issuer registers
 * the degree template and runs the OpenID4VCI service on a free port; plus a holder DID.
 */
export async function openIssuerNetwork(
  options: Partial<IssuerServiceOptions> = {},
): Promise<IssuerNetwork> {
  const t = await openTestNode();
  const transport = inProcessTransport(t.node);
  const client = createClient(transport);
  const r = t.regulator!;
  const gov = governanceSigners(
    r.did,
    [0, 1].map((i) => ({ id: `gov-${i + 1}`, keyPair: r.governanceKeys[i]! })),
  );
  const issuerDid = await newDid(client, 'p256');
  const granted = await accredit(transport, {
    subject: issuerDid.did,
    role: 'credentialIssuer',
    scope: { credentialTypes: [DEGREE] },
    validUntil: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    signer: gov,
  });
  await registerTemplate(transport, { template: degreeTemplate(), signer: issuerDid.signer });
  const holderDid = await newDid(client, 'ed25519');
  const service = await startIssuer({
    issuerDid: issuerDid.did,
    signingKey: {
      kid: issuerDid.signer.kid,
      signer: { type: issuerDid.keyPair.type, privateKey: issuerDid.keyPair.privateKey },
    },
    ledger: client,
    templateIds: [TEMPLATE_ID],
    operatorToken: OPERATOR_TOKEN,
    port: 0,
    ...options,
  });
  return {
    t,
    client,
    issuer: { did: issuerDid.did, signer: issuerDid.signer, accreditation: granted.accreditation },
    holder: { did: holderDid.did, kid: holderDid.signer.kid, keyPair: holderDid.keyPair },
    gov,
    service,
    close: async () => {
      await service.close();
      await t.close();
    },
  };
}

/** `POST /offers` as the operator; returns the HTTP status and body. */
export async function createOffer(
  service: RunningIssuer,
  body: Record<string, unknown>,
  token = OPERATOR_TOKEN,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${service.url}/offers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
