import type { VerificationContext } from '../../core/credentials/verification/index.ts';
import { remoteVerificationContext } from '../verifier/remote-verification-context.ts';
import type { VerifierLedger } from '../verifier/remote-verification-context.ts';
import { agencyTemplateIds } from './agency-service.ts';

/**
 * A verification context over a node's API for real-name certificates of any agency: an
 * agency's template ids follow from its DID, so the template of a certificate is found from its
 * issuer without a list of accepted ids.
 */
export function realNameVerificationContext(ledger: VerifierLedger): VerificationContext {
  const forIssuer = (issuer: string) => {
    const ids = agencyTemplateIds(issuer);
    return remoteVerificationContext(ledger, [ids.person, ids.organization]);
  };
  const any = remoteVerificationContext(ledger, []);
  return {
    issuerKeyAt: (kid, time) => any.issuerKeyAt(kid, time),
    holderKey: (kid) => any.holderKey(kid),
    accreditedAt: (issuer, type, time) => any.accreditedAt(issuer, type, time),
    templateAt: (issuer, type, time) => forIssuer(issuer).templateAt(issuer, type, time),
    statusOf: (owner, listId, index) => any.statusOf(owner, listId, index),
  };
}
