import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, publicKeyToMultibase } from '../../src/core/keys/index.ts';
import type { KeyPair, KeyTypeName } from '../../src/core/keys/key-type.ts';
import { didFromCreateOperation, recoveryCommitment } from '../../src/core/did/index.ts';
import type { DidDocumentContent } from '../../src/core/did/index.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { LedgerNode } from '../../src/ledger/ledger-node.ts';
import { EmbeddedOrderer } from '../../src/ledger/ordering/embedded-orderer.ts';
import type { Genesis } from '../../src/ledger/genesis.ts';
import { createGenesis } from '../../src/ledger/genesis.ts';
import { signTransaction } from '../../src/ledger/transaction.ts';
import type { Transaction } from '../../src/ledger/transaction.ts';

/** Keys of the test network's regulator: 3 governance keys, any 2 of which govern. */
export interface TestRegulator {
  did: string;
  signingKey: KeyPair;
  recoveryKey: KeyPair;
  governanceKeys: KeyPair[];
}

/** A test genesis: one operator, a regulator with 2-of-3 governance keys. */
export function testGenesis(operatorKey: KeyPair): { genesis: Genesis; regulator: TestRegulator } {
  const signingKey = generateKeyPair('sm2');
  const recoveryKey = generateKeyPair('ed25519');
  const governanceKeys = [
    generateKeyPair('sm2'),
    generateKeyPair('ed25519'),
    generateKeyPair('p256'),
  ];
  const { genesis, regulatorDid } = createGenesis({
    chainId: 'ddi-test',
    time: Date.now() - 60_000,
    operators: [{ name: 'op', key: operatorKey }],
    regulator: { signingKey, recoveryKey, governanceKeys, threshold: 2 },
  });
  return { genesis, regulator: { did: regulatorDid, signingKey, recoveryKey, governanceKeys } };
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'ddi-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestNode {
  node: LedgerNode;
  ledger: Ledger;
  chainId: string;
  dataDir: string;
  operatorKey: KeyPair;
  genesis: Genesis;
  /** The regulator's keys (absent when reopening a network made elsewhere). */
  regulator?: TestRegulator;
  close(): Promise<void>;
}

/** An in-process embedded node on a temporary data directory. */
export async function openTestNode(existing?: {
  dataDir: string;
  operatorKey: KeyPair;
  genesis: Genesis;
  regulator?: TestRegulator;
}): Promise<TestNode> {
  const dataDir = existing?.dataDir ?? tempDir().dir;
  const operatorKey = existing?.operatorKey ?? generateKeyPair('ed25519');
  const made = existing ? undefined : testGenesis(operatorKey);
  const genesis = existing?.genesis ?? made!.genesis;
  const regulator = existing?.regulator ?? made?.regulator;
  const ledger = Ledger.open({ dataDir, genesis, operatorKey });
  const node = new LedgerNode(
    ledger,
    new EmbeddedOrderer({ lastBlockTime: ledger.head().header.time }),
  );
  await node.start();
  return {
    node,
    ledger,
    chainId: genesis.chainId,
    dataDir,
    operatorKey,
    genesis,
    ...(regulator ? { regulator } : {}),
    close: () => node.close(),
  };
}

export interface TestDid {
  did: string;
  signing: KeyPair;
  recovery: KeyPair;
  content: DidDocumentContent;
  createTx: Transaction;
}

/** Document content with one key as key-1 in every signing relationship. */
export function contentFor(
  key: KeyPair,
  fragment = 'key-1',
  extra: Partial<DidDocumentContent> = {},
): DidDocumentContent {
  return {
    verificationMethod: [
      {
        id: fragment,
        type: 'Multikey',
        publicKeyMultibase: publicKeyToMultibase(key.type, key.publicKey),
      },
    ],
    authentication: [fragment],
    assertionMethod: [fragment],
    capabilityInvocation: [fragment],
    ...extra,
  };
}

/** Builds (does not submit) a signed did.create. */
export function makeDid(
  chainId: string,
  type: KeyTypeName = 'ed25519',
  extra: Partial<DidDocumentContent> = {},
): TestDid {
  const signing = generateKeyPair(type);
  const recovery = generateKeyPair(type);
  const content = contentFor(signing, 'key-1', extra);
  const payload = {
    document: content,
    recoveryCommitment: recoveryCommitment(publicKeyToMultibase(recovery.type, recovery.publicKey)),
  };
  const did = didFromCreateOperation(payload);
  const createTx = signTransaction({ chainId, type: 'did.create', payload }, [
    { kid: `${did}#key-1`, type: signing.type, privateKey: signing.privateKey },
  ]);
  return { did, signing, recovery, content, createTx };
}

/** A transaction signed by the test regulator's governance keys (indexes into gov-1..gov-3). */
export function governanceTx(
  t: TestNode,
  type: string,
  payload: object,
  signers: number[] = [0, 1],
): Transaction {
  const r = t.regulator;
  if (!r) throw new Error('this test network has no regulator keys');
  return signTransaction(
    { chainId: t.chainId, type, payload },
    signers.map((i) => ({
      kid: `${r.did}#gov-${i + 1}`,
      type: r.governanceKeys[i]!.type,
      privateKey: r.governanceKeys[i]!.privateKey,
    })),
  );
}
