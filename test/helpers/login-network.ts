import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair } from '../../src/core/keys/index.ts';
import type { KeyPair } from '../../src/core/keys/index.ts';
import type { CredentialTemplate } from '../../src/core/templates/credential-template.ts';
import { Keystore } from '../../src/clients/keystore/keystore.ts';
import {
  accredit,
  createClient,
  governanceSigners,
  inProcessTransport,
  registerTemplate,
} from '../../src/clients/sdk/index.ts';
import type { DdiClient, DidSigner, GovernanceSigners } from '../../src/clients/sdk/index.ts';
import { WalletStore, receiveCredential } from '../../src/clients/wallet/index.ts';
import type { StoredCredential } from '../../src/clients/wallet/index.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import { startIssuer } from '../../src/services/issuer/index.ts';
import type { RunningIssuer } from '../../src/services/issuer/index.ts';
import { ledgerVerificationContext } from '../../src/services/verifier/ledger-verification-context.ts';
import type { VerificationContext } from '../../src/core/credentials/verification/index.ts';
import { createOffer, newDid } from './issuer-network.ts';
import { openTestNode, tempDir } from './temp-node.ts';
import type { TestNode } from './temp-node.ts';

/**
 * A credential type of the tests' own with the claim names login releases. The real-name
 * identity certificate (issue 6) carries the same names; the bridge only names claims.
 */
export const IDENTITY_TYPE = 'ExampleIdentityAttestation';
export const IDENTITY_TEMPLATE = 'test.identity-attestation';
export const IDENTITY_CLAIMS = {
  real_name_verified: true,
  age_over_18: true,
  name: '李明',
  network_id: 'NID-7f3a9c',
};
export const PASSPHRASE = 'login passphrase';

export function identityTemplate(): CredentialTemplate {
  return {
    id: IDENTITY_TEMPLATE,
    version: 1,
    credentialType: IDENTITY_TYPE,
    schema: {
      type: 'object',
      properties: {
        real_name_verified: { type: 'boolean' },
        age_over_18: { type: 'boolean' },
        name: { type: 'string', minLength: 1 },
        network_id: { type: 'string', minLength: 1 },
      },
      required: ['real_name_verified', 'age_over_18'],
      additionalProperties: false,
    },
    display: {
      'zh-CN': { name: '身份核验凭证（测试）' },
      en: { name: 'Identity attestation (test)' },
    },
  };
}

export interface LoginNetwork {
  t: TestNode;
  client: DdiClient;
  gov: GovernanceSigners;
  /** The node's HTTP API (the CLI wallet and remote services talk to it). */
  nodeUrl: string;
  context: VerificationContext;
  issuer: { did: string; service: RunningIssuer };
  holder: { did: string; kid: string; keyPair: KeyPair; credential: StoredCredential };
  /** A keystore and wallet file holding the holder, for `ddi wallet login`. */
  files: { dir: string; keystore: string; wallet: string };
  /** A new registered application DID with these redirect URIs. */
  registerApp(
    name: string,
    redirectUris: string[],
  ): Promise<{ did: string; signer: DidSigner; keyPair: KeyPair }>;
  close(): Promise<void>;
}

/**
 * An embedded node with its HTTP API; an issuer accredited for the identity attestation type
 * with its OpenID4VCI service; a holder DID that received one such credential, stored in a
 * keystore + wallet on disk for the CLI.
 */
export async function openLoginNetwork(): Promise<LoginNetwork> {
  const t = await openTestNode();
  const transport = inProcessTransport(t.node);
  const client = createClient(transport);
  const r = t.regulator!;
  const gov = governanceSigners(
    r.did,
    [0, 1].map((i) => ({ id: `gov-${i + 1}`, keyPair: r.governanceKeys[i]! })),
  );
  const api: FastifyInstance = await buildHttpServer(t.node);
  await api.listen({ host: '127.0.0.1', port: 0 });
  const nodeUrl = `http://127.0.0.1:${(api.server.address() as { port: number }).port}`;

  const issuerDid = await newDid(client, 'p256');
  await accredit(transport, {
    subject: issuerDid.did,
    role: 'credentialIssuer',
    scope: { credentialTypes: [IDENTITY_TYPE] },
    validUntil: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    signer: gov,
  });
  await registerTemplate(transport, { template: identityTemplate(), signer: issuerDid.signer });
  const service = await startIssuer({
    issuerDid: issuerDid.did,
    signingKey: {
      kid: issuerDid.signer.kid,
      signer: { type: issuerDid.keyPair.type, privateKey: issuerDid.keyPair.privateKey },
    },
    ledger: client,
    templateIds: [IDENTITY_TEMPLATE],
    operatorToken: 'login-operator-token',
    port: 0,
  });

  const holderDid = await newDid(client, 'ed25519');
  const offer = await createOffer(
    service,
    { template: IDENTITY_TEMPLATE, claims: IDENTITY_CLAIMS },
    'login-operator-token',
  );
  const credential = await receiveCredential({
    offerUri: offer.body.offer_uri as string,
    holder: { kid: holderDid.signer.kid, keyPair: holderDid.keyPair },
  });

  const { dir, cleanup } = tempDir('ddi-login-');
  const keystore = join(dir, 'keystore.json');
  const wallet = join(dir, 'wallet.json');
  const store = Keystore.open(keystore, PASSPHRASE);
  store.addKey('holder-key-1', holderDid.keyPair);
  const now = new Date().toISOString();
  store.putDid({
    did: holderDid.did,
    signingKeys: { 'key-1': 'holder-key-1' },
    created: now,
    updated: now,
  });
  store.save();
  const walletStore = WalletStore.open(wallet, PASSPHRASE);
  const stored = walletStore.add(credential);
  walletStore.save();

  return {
    t,
    client,
    gov,
    nodeUrl,
    context: ledgerVerificationContext(t.ledger),
    issuer: { did: issuerDid.did, service },
    holder: {
      did: holderDid.did,
      kid: holderDid.signer.kid,
      keyPair: holderDid.keyPair,
      credential: stored,
    },
    files: { dir, keystore, wallet },
    async registerApp(name, redirectUris) {
      const app = await newDid(client, 'ed25519');
      await client.registerApplication({ name, redirectUris, signer: app.signer });
      return app;
    },
    async close() {
      await service.close();
      await api.close();
      await t.close();
      cleanup();
    },
  };
}

/** 32 random bytes for a bridge's pairwise secret. */
export function pairwiseSecret(): Uint8Array {
  return randomBytes(32);
}

export { generateKeyPair };
