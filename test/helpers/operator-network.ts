import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair } from '../../src/core/keys/index.ts';
import type { KeyPair } from '../../src/core/keys/key-type.ts';
import { createGenesis } from '../../src/ledger/genesis.ts';
import type { Genesis } from '../../src/ledger/genesis.ts';
import { loadOrCreateOperatorKey } from '../../src/services/node/operator-key.ts';

/**
 * A network of `operators` nodes on disk: `<dir>/node<i>` holds each operator's encrypted
 * key, `<dir>/genesis.json` names them all (regulator with one governance key).
 */
export function createOperatorNetwork(
  dir: string,
  options: { chainId: string; passphrase: string; operators?: number },
): {
  genesis: Genesis;
  genesisFile: string;
  dataDirs: string[];
  operatorKeys: KeyPair[];
  /** The regulator's single governance key (threshold 1), to sign governance transactions. */
  governanceKey: KeyPair;
} {
  const count = options.operators ?? 3;
  const dataDirs = Array.from({ length: count }, (_, i) => join(dir, `node${i}`));
  const operatorKeys = dataDirs.map((d) => {
    mkdirSync(d, { recursive: true });
    return loadOrCreateOperatorKey(d, options.passphrase).key;
  });
  const governanceKey = generateKeyPair('ed25519');
  const { genesis } = createGenesis({
    chainId: options.chainId,
    operators: operatorKeys.map((key, i) => ({ name: `operator-${i}`, key })),
    regulator: {
      signingKey: generateKeyPair('ed25519'),
      recoveryKey: generateKeyPair('ed25519'),
      governanceKeys: [governanceKey],
      threshold: 1,
    },
  });
  const genesisFile = join(dir, 'genesis.json');
  writeFileSync(genesisFile, JSON.stringify(genesis));
  return { genesis, genesisFile, dataDirs, operatorKeys, governanceKey };
}
