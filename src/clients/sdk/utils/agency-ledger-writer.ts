import type { AgencyLedgerWriter } from '../../../services/agency/agency-ledger.ts';
import type { Transport } from '../transport.ts';
import { registerTemplate } from '../actions/register-template.ts';
import { registerOrganization } from '../actions/register-organization.ts';
import { fulfilDisclosure, registerRealName } from '../actions/real-name.ts';
import { revokeCredential } from '../actions/revoke-credential.ts';
import { anchorAccessLog } from '../actions/anchor-access-log.ts';
import type { DidSigner } from './did-signer.ts';

/**
 * The agency service's ledger writes, each signed with the agency's DID key and waited for
 * until committed: what `startAgency` takes as `writer`.
 */
export function agencyLedgerWriter(transport: Transport, signer: DidSigner): AgencyLedgerWriter {
  return {
    async registerTemplate(template) {
      await registerTemplate(transport, { template, signer });
    },
    async registerRealName(input) {
      await registerRealName(transport, { ...input, signer });
    },
    async registerOrganization(input) {
      await registerOrganization(transport, { ...input, signer });
    },
    async fulfilDisclosure(input) {
      return { txId: (await fulfilDisclosure(transport, { ...input, signer })).txId };
    },
    async anchorAccessLog(input) {
      await anchorAccessLog(transport, { ...input, signer });
    },
    async revokeCredential(input) {
      await revokeCredential(transport, { listId: input.listId, index: input.index, signer });
    },
  };
}
