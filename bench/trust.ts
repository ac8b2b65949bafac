/**
 * Trust-registry queries: "was X accredited as credentialIssuer for type T at time t?",
 * answered with the chain up to the regulator. Every credential verification asks it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, publicKeyToMultibase } from '../src/core/keys/index.ts';
import type { KeyPair } from '../src/core/keys/key-type.ts';
import { didFromCreateOperation, recoveryCommitment } from '../src/core/did/index.ts';
import { createGenesis } from '../src/ledger/genesis.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import { signTransaction, transactionId } from '../src/ledger/transaction.ts';
import type { Transaction } from '../src/ledger/transaction.ts';
import { checkAccreditation } from '../src/ledger/registries/trust-registry.ts';

function didCreate(chainId: string): { did: string; key: KeyPair; tx: Transaction } {
  const key = generateKeyPair('ed25519');
  const payload = {
    document: {
      verificationMethod: [
        {
          id: 'key-1',
          type: 'Multikey' as const,
          publicKeyMultibase: publicKeyToMultibase('ed25519', key.publicKey),
        },
      ],
      capabilityInvocation: ['key-1'],
    },
    recoveryCommitment: recoveryCommitment(
      publicKeyToMultibase('ed25519', generateKeyPair('ed25519').publicKey),
    ),
  };
  const did = didFromCreateOperation(payload);
  return {
    did,
    key,
    tx: signTransaction({ chainId, type: 'did.create', payload }, [
      { kid: `${did}#key-1`, type: 'ed25519', privateKey: key.privateKey },
    ]),
  };
}

/** Builds regulator → authority → `issuers` issuers in a fresh ledger, then times chain queries. */
export async function benchTrust(
  issuers = 2000,
): Promise<Array<{ name: string; value: number; unit: string }>> {
  const dir = mkdtempSync(join(tmpdir(), 'ddi-bench-trust-'));
  const operatorKey = generateKeyPair('ed25519');
  const governanceKey = generateKeyPair('ed25519');
  const { genesis, regulatorDid } = createGenesis({
    chainId: 'bench-trust',
    time: Date.now() - 60_000,
    operators: [{ name: 'op', key: operatorKey }],
    regulator: {
      signingKey: generateKeyPair('ed25519'),
      recoveryKey: generateKeyPair('ed25519'),
      governanceKeys: [governanceKey],
      threshold: 1,
    },
  });
  const ledger = Ledger.open({ dataDir: dir, genesis, operatorKey });
  let time = Date.now() - 30_000;
  const commit = (txs: Transaction[]) => {
    const { executed } = ledger.commitBatch(
      txs.map((tx) => ({ id: transactionId(tx.body), tx })),
      ++time,
    );
    if (executed.rejected.length)
      throw new Error(`bench setup rejected: ${executed.rejected[0]!.message}`);
  };
  const authority = didCreate(genesis.chainId);
  const people = Array.from({ length: issuers }, () => didCreate(genesis.chainId));
  commit([authority.tx, ...people.map((p) => p.tx)]);
  const nonce = () => randomBytes(12).toString('base64url');
  const validUntil = Date.now() + 365 * 24 * 3600 * 1000;
  commit([
    signTransaction(
      {
        chainId: genesis.chainId,
        type: 'trust.accredit',
        payload: {
          nonce: nonce(),
          subject: authority.did,
          role: 'accreditationAuthority',
          scope: { credentialTypes: ['DegreeCredential'] },
          validUntil,
        },
      },
      [{ kid: `${regulatorDid}#gov-1`, type: 'ed25519', privateKey: governanceKey.privateKey }],
    ),
  ]);
  commit(
    people.map((p) =>
      signTransaction(
        {
          chainId: genesis.chainId,
          type: 'trust.accredit',
          payload: {
            nonce: nonce(),
            subject: p.did,
            role: 'credentialIssuer',
            scope: { credentialTypes: ['DegreeCredential'] },
            validUntil,
          },
        },
        [{ kid: `${authority.did}#key-1`, type: 'ed25519', privateKey: authority.key.privateKey }],
      ),
    ),
  );
  const at = Date.now();
  let n = 0;
  let ok = 0;
  const start = performance.now();
  while (performance.now() - start < 2000) {
    const subject = people[n++ % people.length]!.did;
    if (
      checkAccreditation(ledger.state, {
        subject,
        role: 'credentialIssuer',
        credentialType: 'DegreeCredential',
        at,
      }).accredited
    )
      ok++;
  }
  const seconds = (performance.now() - start) / 1000;
  ledger.close();
  rmSync(dir, { recursive: true, force: true });
  if (ok !== n) throw new Error(`bench setup broken: ${n - ok} of ${n} checks failed`);
  return [
    {
      name: `trust check, issuer → authority → regulator (${issuers} issuers)`,
      value: n / seconds,
      unit: 'queries/s',
    },
  ];
}
