import type { DidResolutionResult, ResolutionOptions } from '../../core/did/index.ts';
import { parseDidUrl, toXmlDateTime } from '../../core/did/index.ts';
import type { VerificationContext } from '../../core/credentials/verification/index.ts';
import { publicKeyFromMultibase } from '../../core/keys/index.ts';
import type { TemplateRecord } from '../../ledger/registries/template-registry.ts';
import type { StatusEntryView } from '../registry-queries/status-list-query.ts';
import type { TrustCheckAnswer } from '../registry-queries/trust-queries.ts';

/** What a verifier away from the node reads over its API (the SDK client has these methods). */
export interface VerifierLedger {
  resolveDid(did: string, options?: ResolutionOptions): Promise<DidResolutionResult>;
  checkAccreditation(query: {
    subject: string;
    role: 'credentialIssuer';
    credentialType: string;
    at: string;
  }): Promise<TrustCheckAnswer>;
  getTemplate(id: string, version?: number): Promise<TemplateRecord>;
  getCredentialStatus(owner: string, listId: string, index: number): Promise<StatusEntryView>;
}

async function keyIn(
  ledger: VerifierLedger,
  kid: string,
  relationship: 'assertionMethod' | 'authentication',
  options: ResolutionOptions = {},
) {
  let url;
  try {
    url = parseDidUrl(kid);
  } catch {
    return { error: 'kidMalformed' };
  }
  let resolved: DidResolutionResult;
  try {
    resolved = await ledger.resolveDid(url.did, options);
  } catch {
    return { error: 'didNotFound' };
  }
  const doc = resolved.didDocument;
  if (!doc) return { error: 'didNotFound' };
  if (resolved.didDocumentMetadata.deactivated) return { error: 'didDeactivated' };
  const vm = doc.verificationMethod?.find((m) => m.id === kid);
  if (!vm) return { error: 'keyNotInDocument' };
  if (!(doc[relationship] ?? []).includes(kid))
    return { error: `not${relationship[0]!.toUpperCase()}${relationship.slice(1)}` };
  return publicKeyFromMultibase(vm.publicKeyMultibase);
}

/**
 * The verification context of a service that is not a node (the login bridge): the same
 * questions, asked over a node's API. Templates are those the service accepts (by id): the
 * version the issuer had registered when it issued is found by walking back from the latest.
 */
export function remoteVerificationContext(
  ledger: VerifierLedger,
  acceptedTemplates: readonly string[],
): VerificationContext {
  return {
    issuerKeyAt: (kid, time) =>
      keyIn(ledger, kid, 'assertionMethod', { versionTime: toXmlDateTime(time) }),
    holderKey: (kid) => keyIn(ledger, kid, 'authentication'),
    async accreditedAt(issuer, credentialType, time) {
      const answer = await ledger.checkAccreditation({
        subject: issuer,
        role: 'credentialIssuer',
        credentialType,
        at: new Date(time).toISOString(),
      });
      return answer.accredited
        ? { accredited: true }
        : { accredited: false, reason: answer.reason ?? 'notAccredited' };
    },
    async templateAt(issuer, credentialType, time) {
      for (const id of acceptedTemplates) {
        let record: TemplateRecord | undefined = await ledger
          .getTemplate(id)
          .catch(() => undefined);
        while (record) {
          if (
            record.issuer === issuer &&
            record.template.credentialType === credentialType &&
            record.registered <= time
          ) {
            return record.template;
          }
          const previous: number = record.template.version - 1;
          record =
            previous >= 1
              ? await ledger.getTemplate(id, previous).catch(() => undefined)
              : undefined;
        }
      }
      return undefined;
    },
    async statusOf(owner, listId, index) {
      try {
        const entry = await ledger.getCredentialStatus(owner, listId, index);
        return entry.status === 'valid' ||
          entry.status === 'revoked' ||
          entry.status === 'suspended'
          ? entry.status
          : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
