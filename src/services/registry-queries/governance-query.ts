import type { Ledger } from '../../ledger/ledger.ts';
import type { GovernanceConfig } from '../../ledger/registries/governance-registry.ts';
import { readGovernance } from '../../ledger/registries/governance-registry.ts';

/** The regulator's governance configuration now: DID, governance keys, threshold, version. */
export function governanceConfig(ledger: Ledger): GovernanceConfig {
  const { regulator, threshold, keys, version } = readGovernance(ledger.state);
  return { regulator, threshold, keys, version };
}
