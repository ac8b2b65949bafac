import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair } from '../../src/core/keys/index.ts';
import type { KeyPair } from '../../src/core/keys/index.ts';
import { Keystore } from '../../src/clients/keystore/keystore.ts';
import {
  accredit,
  agencyLedgerWriter,
  createClient,
  createStatusList,
  governanceSigners,
  inProcessTransport,
} from '../../src/clients/sdk/index.ts';
import { residentIdentityCheckCharacter } from '../../src/core/identity/resident-identity-number.ts';
import {
  agencyTemplateIds,
  ORGANIZATION_CERTIFICATE_TYPE,
  PERSON_CERTIFICATE_TYPE,
  startAgency,
  TestIdentityRegister,
} from '../../src/services/agency/index.ts';
import type { RunningAgency } from '../../src/services/agency/index.ts';
import { signDidAuthProof } from '../../src/services/did-auth/did-auth-proof.ts';
import type { DdiClient, DidSigner, GovernanceSigners } from '../../src/clients/sdk/index.ts';
import { WalletStore, receiveCredential } from '../../src/clients/wallet/index.ts';
import type { StoredCredential } from '../../src/clients/wallet/index.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import { ledgerVerificationContext } from '../../src/services/verifier/ledger-verification-context.ts';
import type { VerificationContext } from '../../src/core/credentials/verification/index.ts';
import { newDid } from './issuer-network.ts';
import { openTestNode, tempDir } from './temp-node.ts';
import type { TestNode } from './temp-node.ts';

/**
 * The credential login releases claims from: the real-name identity certificate (issue 6),
 * issued by an identity verification agency to the holder after a (test-double) identity check.
 */
export const IDENTITY_TYPE = PERSON_CERTIFICATE_TYPE;
export const PASSPHRASE = 'login passphrase';
const ID_NUMBER = '11010819880808001' + residentIdentityCheckCharacter('11010819880808001');
export const HOLDER_NAME = '李明';

export interface LoginNetwork {
  t: TestNode;
  client: DdiClient;
  gov: GovernanceSigners;
  /** The node's HTTP API (the CLI wallet and remote services talk to it). */
  nodeUrl: string;
  context: VerificationContext;
  /** The agency that issued the holder's real-name certificate, and its person template id. */
  issuer: { did: string; agency: RunningAgency; template: string };
  holder: { did: string; kid: string; keyPair: KeyPair; credential: StoredCredential };
  /** A keystore and wallet file holding the holder, for `ddi wallet login`. */
  files: { dir: string; keystore: string; wallet: string };
  /** A new registered application DID with these redirect URIs. */
  registerApp(
    name: string,
    redirectUris: string[],
  ): Promise<{ did: string; signer: DidSigner; keyPair: KeyPair }>;
  /** A registered application the regulator authorized as a login bridge (`app.setBridge`). */
  registerBridge(
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

  const { dir, cleanup } = tempDir('ddi-login-');
  const issuerDid = await newDid(client, 'p256');
  for (const role of ['identityVerificationAgency', 'credentialIssuer'] as const) {
    await accredit(transport, {
      subject: issuerDid.did,
      role,
      ...(role === 'credentialIssuer'
        ? { scope: { credentialTypes: [PERSON_CERTIFICATE_TYPE, ORGANIZATION_CERTIFICATE_TYPE] } }
        : {}),
      validUntil: new Date(Date.now() + 365 * 24 * 3600 * 1000),
      signer: gov,
    });
  }
  const agency = await startAgency({
    agencyDid: issuerDid.did,
    signingKey: {
      kid: issuerDid.signer.kid,
      signer: { type: issuerDid.keyPair.type, privateKey: issuerDid.keyPair.privateKey },
    },
    ledger: client,
    writer: agencyLedgerWriter(transport, issuerDid.signer),
    verification: ledgerVerificationContext(t.ledger),
    identitySource: new TestIdentityRegister([
      { documentType: 'residentIdentityNumber', number: ID_NUMBER, name: HOLDER_NAME },
    ]),
    networkKey: randomBytes(32),
    dataKey: randomBytes(32),
    dataDir: join(dir, 'agency'),
    createStatusList: () => createStatusList(transport, { signer: issuerDid.signer }),
    operatorToken: 'login-agency-token',
    port: 0,
  });
  await agency.service.ensureTemplates();

  const holderDid = await newDid(client, 'ed25519');
  const challenge = agency.service.challenge();
  const registered = await agency.service.registerPerson({
    proof: signDidAuthProof({
      kid: holderDid.signer.kid,
      signer: { type: holderDid.keyPair.type, privateKey: holderDid.keyPair.privateKey },
      audience: challenge.audience,
      nonce: challenge.nonce,
    }),
    evidence: { documentType: 'residentIdentityNumber', number: ID_NUMBER, name: HOLDER_NAME },
  });
  const credential = await receiveCredential({
    offerUri: registered.offer.offer_uri,
    holder: { kid: holderDid.signer.kid, keyPair: holderDid.keyPair },
    format: 'dc+sd-jwt',
  });

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

  const registerApp = async (name: string, redirectUris: string[]) => {
    const app = await newDid(client, 'ed25519');
    await client.registerApplication({ name, redirectUris, signer: app.signer });
    return app;
  };
  return {
    t,
    client,
    gov,
    nodeUrl,
    context: ledgerVerificationContext(t.ledger),
    issuer: { did: issuerDid.did, agency, template: agencyTemplateIds(issuerDid.did).person },
    holder: {
      did: holderDid.did,
      kid: holderDid.signer.kid,
      keyPair: holderDid.keyPair,
      credential: stored,
    },
    files: { dir, keystore, wallet },
    registerApp,
    async registerBridge(name, redirectUris) {
      const app = await registerApp(name, redirectUris);
      await client.setApplicationBridge({ did: app.did, bridge: true, signer: gov });
      return app;
    },
    async close() {
      await agency.close();
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
