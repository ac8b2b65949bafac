import type { GovernanceConfig } from '../../../ledger/registries/governance-registry.ts';
import type { Transport } from '../transport.ts';

/** The regulator's DID, its governance keys and the threshold M. */
export function getGovernance(transport: Transport): Promise<GovernanceConfig> {
  return transport.getGovernance();
}
