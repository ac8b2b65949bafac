import type {
  DidDocument,
  DidDocumentContent,
  ServiceContent,
  VerificationMethodContent,
} from '../../../core/did/index.ts';
import { VERIFICATION_RELATIONSHIPS } from '../../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { publicKeyToMultibase } from '../../../core/keys/index.ts';
import type { KeyPair } from '../../../core/keys/key-type.ts';

/** The relationships a DID's main signing key is given by default. */
export const DEFAULT_SIGNING_RELATIONSHIPS = [
  'authentication',
  'assertionMethod',
  'capabilityInvocation',
] as const;

/** A Multikey verification method for a key pair (the public half only). */
export function verificationMethodFor(
  fragment: string,
  keyPair: KeyPair,
): VerificationMethodContent {
  return {
    id: fragment,
    type: 'Multikey',
    publicKeyMultibase: publicKeyToMultibase(keyPair.type, keyPair.publicKey),
  };
}

/**
 * Operation content (fragments) from a resolved W3C document (DID URLs): the inverse of
 * renderDidDocument, so an update can start from what a resolver returned.
 */
export function documentContent(document: DidDocument): DidDocumentContent {
  const prefix = `${document.id}#`;
  const fragment = (ref: string): string => {
    if (!ref.startsWith(prefix)) {
      throw new DdiError(ErrorCode.Malformed, `${ref} is not a fragment of ${document.id}`);
    }
    return ref.slice(prefix.length);
  };
  const content: DidDocumentContent = {
    verificationMethod: (document.verificationMethod ?? []).map((vm) => ({
      id: fragment(vm.id),
      type: 'Multikey',
      publicKeyMultibase: vm.publicKeyMultibase,
    })),
  };
  for (const rel of VERIFICATION_RELATIONSHIPS) {
    const refs = document[rel];
    if (refs?.length) content[rel] = refs.map(fragment);
  }
  if (document.service?.length) {
    content.service = document.service.map((s) => ({
      id: fragment(s.id),
      type: s.type,
      serviceEndpoint: s.serviceEndpoint,
    }));
  }
  if (document.controller?.length) content.controller = [...document.controller];
  return content;
}

/**
 * The next unused `key-N` fragment: one above the highest N in the document, so a fragment
 * removed by a rotation is not handed to a different key while it is still current.
 */
export function nextKeyFragment(content: DidDocumentContent, prefix = 'key'): string {
  const pattern = new RegExp(`^${prefix}-([0-9]{1,9})$`);
  let highest = 0;
  for (const id of [
    ...content.verificationMethod.map((vm) => vm.id),
    ...(content.service ?? []).map((s) => s.id),
  ]) {
    const n = pattern.exec(id)?.[1];
    if (n !== undefined) highest = Math.max(highest, Number(n));
  }
  return `${prefix}-${highest + 1}`;
}

/** Replaces verification method `oldFragment` by `method`, in its place and in every relationship. */
export function replaceVerificationMethod(
  content: DidDocumentContent,
  oldFragment: string,
  method: VerificationMethodContent,
): DidDocumentContent {
  const index = content.verificationMethod.findIndex((vm) => vm.id === oldFragment);
  if (index < 0) {
    throw new DdiError(
      ErrorCode.NotFound,
      `the document has no verification method "${oldFragment}"`,
    );
  }
  if (method.id !== oldFragment && content.verificationMethod.some((vm) => vm.id === method.id)) {
    throw new DdiError(
      ErrorCode.Conflict,
      `the document already has a verification method "${method.id}"`,
    );
  }
  const next: DidDocumentContent = {
    ...content,
    verificationMethod: content.verificationMethod.map((vm, i) => (i === index ? method : vm)),
  };
  for (const rel of VERIFICATION_RELATIONSHIPS) {
    const refs = content[rel];
    if (refs) next[rel] = refs.map((ref) => (ref === oldFragment ? method.id : ref));
  }
  return next;
}

/** Adds (or, with the same id, replaces) a service. */
export function withService(
  content: DidDocumentContent,
  service: ServiceContent,
): DidDocumentContent {
  const others = (content.service ?? []).filter((s) => s.id !== service.id);
  return { ...content, service: [...others, service] };
}

/** Removes a service; `notFound` if the document has none with that id. */
export function withoutService(content: DidDocumentContent, serviceId: string): DidDocumentContent {
  const services = content.service ?? [];
  if (!services.some((s) => s.id === serviceId)) {
    throw new DdiError(ErrorCode.NotFound, `the document has no service "${serviceId}"`);
  }
  const { service: _removed, ...rest } = content;
  const remaining = services.filter((s) => s.id !== serviceId);
  return remaining.length ? { ...rest, service: remaining } : rest;
}

/** Sets the controller list (an empty list removes the field). */
export function withControllers(
  content: DidDocumentContent,
  controllers: string[],
): DidDocumentContent {
  const { controller: _previous, ...rest } = content;
  const unique = [...new Set(controllers)];
  return unique.length ? { ...rest, controller: unique } : rest;
}
