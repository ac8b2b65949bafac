import { findVerificationMethod, hasRelationship, parseDidUrl } from '../../core/did/index.ts';
import type { VerificationRelationship } from '../../core/did/index.ts';
import { publicKeyFromMultibase } from '../../core/keys/index.ts';
import type { VerificationContext } from '../../core/credentials/verification/index.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import type { DidRecord } from '../../ledger/registries/did-state.ts';
import { readDidRecord } from '../../ledger/registries/did-state.ts';
import { checkAccreditation } from '../../ledger/registries/trust-registry.ts';
import { templateForCredential } from '../../ledger/registries/template-registry.ts';
import { CredentialStatus, statusOf } from '../../ledger/registries/status-registry.ts';

function keyOf(
  record: DidRecord | undefined,
  fragment: string | undefined,
  relationship: VerificationRelationship,
) {
  if (!record) return { error: 'didNotFound' };
  if (record.deactivated || !record.content) return { error: 'didDeactivated' };
  const vm = fragment ? findVerificationMethod(record.content, fragment) : undefined;
  if (!vm) return { error: 'keyNotInDocument' };
  if (!hasRelationship(record.content, relationship, fragment!))
    return { error: `not${relationship[0]!.toUpperCase()}${relationship.slice(1)}` };
  return publicKeyFromMultibase(vm.publicKeyMultibase);
}

/**
 * The verifier's view of a node's committed state: historical DID resolution (the key as
 * the issuer's document had it when it issued), the trust registry, templates and status
 * lists — everything a verdict needs, read locally, never from the issuer.
 */
export function ledgerVerificationContext(ledger: Ledger): VerificationContext {
  return {
    async issuerKeyAt(kid, time) {
      let url;
      try {
        url = parseDidUrl(kid);
      } catch {
        return { error: 'kidMalformed' };
      }
      const row = ledger.store.getDidVersionAt(url.did, time);
      if (!row)
        return { error: readDidRecord(ledger.state, url.did) ? 'didNotYetCreated' : 'didNotFound' };
      return keyOf(JSON.parse(row.record) as DidRecord, url.fragment, 'assertionMethod');
    },
    async holderKey(kid) {
      let url;
      try {
        url = parseDidUrl(kid);
      } catch {
        return { error: 'kidMalformed' };
      }
      return keyOf(readDidRecord(ledger.state, url.did), url.fragment, 'authentication');
    },
    async accreditedAt(issuer, credentialType, time) {
      const answer = checkAccreditation(ledger.state, {
        subject: issuer,
        role: 'credentialIssuer',
        credentialType,
        at: time,
      });
      return answer.accredited
        ? { accredited: true }
        : { accredited: false, reason: answer.reason };
    },
    async templateAt(issuer, credentialType, time) {
      return templateForCredential(ledger.state, issuer, credentialType, time)?.template;
    },
    async statusOf(owner, listId, index) {
      let value: number;
      try {
        value = statusOf(ledger.state, owner, listId, index);
      } catch {
        return undefined;
      }
      if (value === CredentialStatus.Valid) return 'valid';
      if (value === CredentialStatus.Revoked) return 'revoked';
      if (value === CredentialStatus.Suspended) return 'suspended';
      return undefined;
    },
  };
}
