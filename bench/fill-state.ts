/**
 * Fills a data directory with many DIDs directly, as the issue allows: the bench acts as
 * the block producer, writing DID records and their history rows, then one signed block
 * whose state root commits to them. The node started on it verifies all of it as usual.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { base64url } from '../src/core/encoding/base64url.ts';
import { generateKeyPair, publicKeyToMultibase, sign } from '../src/core/keys/index.ts';
import { didFromCreateOperation } from '../src/core/did/index.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import { createGenesis } from '../src/ledger/genesis.ts';
import { blockHash, headerSigningInput, ZERO_HASH } from '../src/ledger/block.ts';
import type { BlockHeader } from '../src/ledger/block.ts';
import { WorldState } from '../src/ledger/state/world-state.ts';
import { didStateKey } from '../src/ledger/registries/did-registry.ts';
import type { DidRecord } from '../src/ledger/registries/did-registry.ts';
import {
  loadOrCreateOperatorKey,
  DEV_OPERATOR_PASSPHRASE,
} from '../src/services/node/operator-key.ts';

/** Creates `count` DIDs in a new data directory; returns a sample of them for lookups. */
export function fillDidState(dataDir: string, count: number, sampleSize = 10_000): string[] {
  mkdirSync(dataDir, { recursive: true });
  const { key } = loadOrCreateOperatorKey(dataDir, DEV_OPERATOR_PASSPHRASE);
  const { genesis } = createGenesis({
    chainId: 'ddi-bench',
    time: Date.now() - 3_600_000,
    operators: [{ name: 'bench', key }],
    regulator: {
      signingKey: generateKeyPair('ed25519'),
      recoveryKey: generateKeyPair('ed25519'),
      governanceKeys: [generateKeyPair('ed25519')],
      threshold: 1,
    },
  });
  const ledger = Ledger.open({ dataDir, genesis, operatorKey: key });
  const db = ledger.store.db;
  const putState = db.prepare('INSERT INTO state (key, value) VALUES (?, ?)');
  const putVersion = db.prepare(
    'INSERT INTO did_versions (did, version, time, height, tx_id, record) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const holder = generateKeyPair('ed25519');
  const multikey = publicKeyToMultibase('ed25519', holder.publicKey);
  const time = genesis.time + 1000;
  const sample: string[] = [];
  const chunk = 50_000;
  for (let done = 0; done < count; done += chunk) {
    db.transaction(() => {
      for (let i = done; i < Math.min(count, done + chunk); i++) {
        const content = {
          verificationMethod: [
            { id: 'key-1', type: 'Multikey' as const, publicKeyMultibase: multikey },
          ],
          authentication: ['key-1'],
          assertionMethod: ['key-1'],
          capabilityInvocation: ['key-1'],
        };
        const recoveryCommitment = base64url.encode(randomBytes(32));
        const did = didFromCreateOperation({ document: content, recoveryCommitment });
        const record: DidRecord = {
          did,
          version: 1,
          content,
          recoveryCommitment,
          created: time,
          updated: time,
          deactivated: false,
        };
        const json = JSON.stringify(record);
        putState.run(didStateKey(did), json);
        putVersion.run(did, 1, time, 1, ZERO_HASH, json);
        if (sample.length < sampleSize) sample.push(did);
        else if (Math.random() < sampleSize / (i + 1))
          sample[Math.floor(Math.random() * sampleSize)] = did;
      }
    })();
  }
  const header: BlockHeader = {
    chainId: genesis.chainId,
    height: 1,
    time,
    previousHash: ledger.head().hash,
    txRoot: ZERO_HASH,
    txCount: 0,
    stateRoot: new WorldState(ledger.store).root(),
  };
  const hash = blockHash(header);
  const sig = base64url.encode(sign(key.type, key.privateKey, headerSigningInput(hash)));
  ledger.store.writeBlock({
    block: {
      header,
      hash,
      txIds: [],
      signatures: [{ operator: genesis.operators[0]!.publicKeyMultibase, sig }],
    },
    transactions: [],
    rejected: [],
    stateWrites: new Map(),
    didVersions: [],
  });
  ledger.close();
  return sample;
}
