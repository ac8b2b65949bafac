import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptWithPassphrase } from '../../core/keystore/encrypted-envelope.ts';
import { generateKeyPair, privateKeyToJwk } from '../../core/keys/index.ts';
import { createGenesis } from '../../ledger/genesis.ts';
import type { Genesis } from '../../ledger/genesis.ts';
import type { KeyPair } from '../../core/keys/key-type.ts';

export const DEV_REGULATOR_FILE = 'dev-regulator-keys.json';

/**
 * A development network for a first `npm start`: this node as the only operator and a
 * regulator with one governance key (1-of-1). The regulator's keys are written encrypted
 * (operator passphrase) next to the ledger so a developer can import them into a keystore
 * (`ddi key import`). Real networks start from `ddi network init` instead.
 */
export function createDevGenesis(
  dataDir: string,
  operatorKey: KeyPair,
  passphrase: string,
): { genesis: Genesis; regulatorDid: string } {
  const signingKey = generateKeyPair('sm2');
  const recoveryKey = generateKeyPair('sm2');
  const governanceKey = generateKeyPair('sm2');
  const { genesis, regulatorDid } = createGenesis({
    chainId: `ddi-dev-${Buffer.from(generateKeyPair('ed25519').publicKey.subarray(0, 4)).toString('hex')}`,
    operators: [{ name: 'dev-operator', key: operatorKey }],
    regulator: { signingKey, recoveryKey, governanceKeys: [governanceKey], threshold: 1 },
  });
  const secrets = {
    regulatorDid,
    keys: [
      {
        name: 'regulator-key-1',
        role: 'signing',
        jwk: privateKeyToJwk(signingKey.type, signingKey.privateKey),
      },
      {
        name: 'regulator-recovery',
        role: 'recovery',
        jwk: privateKeyToJwk(recoveryKey.type, recoveryKey.privateKey),
      },
      {
        name: 'regulator-gov-1',
        role: 'governance',
        jwk: privateKeyToJwk(governanceKey.type, governanceKey.privateKey),
      },
    ],
  };
  writeFileSync(
    join(dataDir, DEV_REGULATOR_FILE),
    JSON.stringify(encryptWithPassphrase(JSON.stringify(secrets), passphrase), null, 2),
    {
      mode: 0o600,
      flag: 'wx',
    },
  );
  return { genesis, regulatorDid };
}
