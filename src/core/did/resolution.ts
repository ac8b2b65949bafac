import type { DidDocument } from './did-document.ts';

/** Media types of DID Resolution (W3C DID Resolution, §Representations). */
export const DID_RESOLUTION_MEDIA_TYPE = 'application/did-resolution';
export const DID_LD_JSON_MEDIA_TYPE = 'application/did+ld+json';
export const LEGACY_RESOLUTION_MEDIA_TYPE =
  'application/ld+json;profile="https://w3id.org/did-resolution"';

export interface DidDocumentMetadata {
  created?: string;
  updated?: string;
  deactivated?: boolean;
  versionId?: string;
  nextVersionId?: string;
  nextUpdate?: string;
}

export interface DidResolutionMetadata {
  contentType?: string;
  error?: 'invalidDid' | 'notFound' | 'methodNotSupported' | 'invalidOptions' | 'internalError';
  errorMessage?: string;
}

/** A DID Resolution result: the document, how resolution went, and the document's metadata. */
export interface DidResolutionResult {
  '@context': 'https://w3id.org/did-resolution/v1';
  didDocument: DidDocument | null;
  didResolutionMetadata: DidResolutionMetadata;
  didDocumentMetadata: DidDocumentMetadata;
}

/** Options that select a version (DID Core §7.1.1 versionId / versionTime). */
export interface ResolutionOptions {
  versionId?: string;
  versionTime?: string;
}

/** XML Schema dateTime in UTC, second precision, as DID Core metadata uses. */
export function toXmlDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
