import type { DidDocumentContent } from './document-content.ts';
import { VERIFICATION_RELATIONSHIPS } from './document-content.ts';

/** A W3C DID Core 1.0 document, as did:ddi renders it. */
export interface DidDocument {
  '@context': string[];
  id: string;
  controller?: string[];
  verificationMethod?: Array<{
    id: string;
    type: string;
    controller: string;
    publicKeyMultibase: string;
  }>;
  authentication?: string[];
  assertionMethod?: string[];
  keyAgreement?: string[];
  capabilityInvocation?: string[];
  capabilityDelegation?: string[];
  service?: Array<{ id: string; type: string; serviceEndpoint: string }>;
}

export const DID_CONTEXTS = [
  'https://www.w3.org/ns/did/v1',
  'https://w3id.org/security/multikey/v1',
];

/** Renders the W3C DID document of `did` from operation content (fragments → DID URLs). */
export function renderDidDocument(did: string, content: DidDocumentContent | null): DidDocument {
  const doc: DidDocument = { '@context': DID_CONTEXTS, id: did };
  // A deactivated DID resolves to a document with no keys, services or controllers.
  if (!content) return doc;
  if (content.controller?.length) doc.controller = content.controller;
  doc.verificationMethod = content.verificationMethod.map((vm) => ({
    id: `${did}#${vm.id}`,
    type: vm.type,
    controller: did,
    publicKeyMultibase: vm.publicKeyMultibase,
  }));
  for (const rel of VERIFICATION_RELATIONSHIPS) {
    const refs = content[rel];
    if (refs?.length) doc[rel] = refs.map((f) => `${did}#${f}`);
  }
  if (content.service?.length) {
    doc.service = content.service.map((s) => ({
      id: `${did}#${s.id}`,
      type: s.type,
      serviceEndpoint: s.serviceEndpoint,
    }));
  }
  return doc;
}
