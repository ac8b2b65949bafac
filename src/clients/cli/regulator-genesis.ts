import { DdiError, ErrorCode } from '../../core/errors.ts';
import { generateKeyPair } from '../../core/keys/index.ts';
import type { KeyPair, KeyTypeName } from '../../core/keys/index.ts';
import { createGenesis } from '../../ledger/genesis.ts';
import type { Genesis } from '../../ledger/genesis.ts';
import type { CliContext } from './context.ts';

export interface RegulatorGenesisOptions {
  chainId: string;
  /** The operators' node keys (only the public halves are read). */
  operators: Array<{ name: string; key: KeyPair }>;
  /** Number of governance keys N. */
  regulatorKeys: number;
  /** Governance signatures M every governance transaction needs. */
  threshold: number;
  keyType: KeyTypeName;
  /** Prefix of the regulator's key names in the keystore (`<name>-key-1`, `<name>-gov-1`, …). */
  name: string;
}

export interface RegulatorGenesis {
  genesis: Genesis;
  regulatorDid: string;
  /** Names under which the keystore holds the regulator's keys. */
  names: { signing: string; recovery: string; governance: string[] };
}

/**
 * A genesis with a new regulator (DID key, recovery key, N governance keys), the keys saved
 * in the CLI's keystore. Shared by `ddi network init` and `ddi network up`; the caller
 * writes the genesis file, after this returns.
 */
export async function createRegulatorGenesis(
  ctx: CliContext,
  options: RegulatorGenesisOptions,
): Promise<RegulatorGenesis> {
  const store = await ctx.keystore(true);
  const names = {
    signing: `${options.name}-key-1`,
    recovery: `${options.name}-recovery`,
    governance: Array.from(
      { length: options.regulatorKeys },
      (_, i) => `${options.name}-gov-${i + 1}`,
    ),
  };
  for (const name of [names.signing, names.recovery, ...names.governance]) {
    if (store.key(name)) {
      throw new DdiError(
        ErrorCode.Conflict,
        `the keystore already has a key "${name}" (another network?): choose other names with --name`,
      );
    }
  }
  const signingKey = generateKeyPair(options.keyType);
  const recoveryKey = generateKeyPair(options.keyType);
  const governanceKeys = names.governance.map(() => generateKeyPair(options.keyType));
  const { genesis, regulatorDid } = createGenesis({
    chainId: options.chainId,
    operators: options.operators,
    regulator: { signingKey, recoveryKey, governanceKeys, threshold: options.threshold },
  });
  // The keys are saved before the genesis exists: a genesis whose governance keys were
  // lost could never be governed.
  store.addKey(names.signing, signingKey);
  store.addKey(names.recovery, recoveryKey);
  governanceKeys.forEach((key, i) => store.addKey(names.governance[i]!, key));
  const now = new Date().toISOString();
  store.putDid({
    did: regulatorDid,
    signingKeys: { 'key-1': names.signing },
    recoveryKey: names.recovery,
    versionId: '1',
    created: now,
    updated: now,
  });
  ctx.saveKeystore(store);
  return { genesis, regulatorDid, names };
}
