import { DdiError, ErrorCode } from '../errors.ts';
import { publicKeyFromMultibase } from '../keys/index.ts';
import type { KeyTypeName } from '../keys/key-type.ts';
import { isDid } from './did-syntax.ts';

/**
 * What a did:ddi operation says about a DID: its keys, relationships, services and
 * controllers. Ids are fragments ("key-1"), so the same content is valid before the DID
 * exists (create) and after. The W3C document is rendered from it (did-document.ts).
 */
export interface DidDocumentContent {
  verificationMethod: VerificationMethodContent[];
  authentication?: string[];
  assertionMethod?: string[];
  keyAgreement?: string[];
  capabilityInvocation?: string[];
  capabilityDelegation?: string[];
  service?: ServiceContent[];
  /** Other DIDs whose capabilityInvocation keys may update this DID. */
  controller?: string[];
}

export interface VerificationMethodContent {
  /** Fragment without '#', e.g. "key-1". */
  id: string;
  type: 'Multikey';
  publicKeyMultibase: string;
}

export interface ServiceContent {
  id: string;
  type: string;
  serviceEndpoint: string;
}

export const VERIFICATION_RELATIONSHIPS = [
  'authentication',
  'assertionMethod',
  'keyAgreement',
  'capabilityInvocation',
  'capabilityDelegation',
] as const;
export type VerificationRelationship = (typeof VERIFICATION_RELATIONSHIPS)[number];

/** Limits keep one DID's state small and every operation cheap to check. */
export const DOCUMENT_LIMITS = {
  verificationMethods: 32,
  services: 32,
  controllers: 16,
  stringLength: 2048,
} as const;

const FRAGMENT = /^[A-Za-z0-9._-]{1,64}$/;
const CONTENT_KEYS = new Set([
  'verificationMethod',
  'service',
  'controller',
  ...VERIFICATION_RELATIONSHIPS,
]);

function fail(message: string): never {
  throw new DdiError(ErrorCode.Malformed, `DID document: ${message}`);
}

function stringArray(value: unknown, field: string, max: number): string[] {
  if (!Array.isArray(value)) fail(`${field} must be an array`);
  if (value.length > max) fail(`${field} has more than ${max} entries`);
  for (const item of value) {
    if (
      typeof item !== 'string' ||
      item.length === 0 ||
      item.length > DOCUMENT_LIMITS.stringLength
    ) {
      fail(`${field} entries must be non-empty strings`);
    }
  }
  if (new Set(value).size !== value.length) fail(`${field} has duplicates`);
  return value as string[];
}

/**
 * Checks untrusted input and returns it as DidDocumentContent, resolving each
 * verification method's key type. Throws `malformed` (or `unsupportedKeyType`).
 */
export function validateDocumentContent(input: unknown): {
  content: DidDocumentContent;
  keyTypes: Map<string, KeyTypeName>;
} {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    fail('must be an object');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!CONTENT_KEYS.has(key)) fail(`unknown field "${key}"`);

  const methods = raw.verificationMethod;
  if (!Array.isArray(methods)) fail('verificationMethod must be an array');
  if (methods.length > DOCUMENT_LIMITS.verificationMethods) fail('too many verification methods');
  const keyTypes = new Map<string, KeyTypeName>();
  const verificationMethod: VerificationMethodContent[] = [];
  for (const vm of methods) {
    if (typeof vm !== 'object' || vm === null) fail('verification method must be an object');
    const { id, type, publicKeyMultibase, ...rest } = vm as Record<string, unknown>;
    if (Object.keys(rest).length > 0)
      fail(`unknown verification method field "${Object.keys(rest)[0]}"`);
    if (typeof id !== 'string' || !FRAGMENT.test(id))
      fail('verification method id must be a fragment like "key-1"');
    if (type !== 'Multikey') fail('verification method type must be "Multikey"');
    if (typeof publicKeyMultibase !== 'string' || publicKeyMultibase.length > 200) {
      fail('publicKeyMultibase must be a string');
    }
    if (keyTypes.has(id)) fail(`duplicate verification method id "${id}"`);
    keyTypes.set(id, publicKeyFromMultibase(publicKeyMultibase).type);
    verificationMethod.push({ id, type, publicKeyMultibase });
  }

  const content: DidDocumentContent = { verificationMethod };
  for (const rel of VERIFICATION_RELATIONSHIPS) {
    if (raw[rel] === undefined) continue;
    const refs = stringArray(raw[rel], rel, DOCUMENT_LIMITS.verificationMethods);
    for (const ref of refs) {
      if (!keyTypes.has(ref)) fail(`${rel} names "${ref}", which is not a verification method`);
    }
    content[rel] = refs;
  }

  if (raw.service !== undefined) {
    if (!Array.isArray(raw.service)) fail('service must be an array');
    if (raw.service.length > DOCUMENT_LIMITS.services) fail('too many services');
    const ids = new Set<string>();
    content.service = raw.service.map((s: unknown) => {
      if (typeof s !== 'object' || s === null) fail('service must be an object');
      const { id, type, serviceEndpoint, ...rest } = s as Record<string, unknown>;
      if (Object.keys(rest).length > 0) fail(`unknown service field "${Object.keys(rest)[0]}"`);
      if (typeof id !== 'string' || !FRAGMENT.test(id)) fail('service id must be a fragment');
      if (ids.has(id) || keyTypes.has(id)) fail(`duplicate id "${id}"`);
      ids.add(id);
      if (typeof type !== 'string' || type.length === 0 || type.length > 100)
        fail('service type must be a string');
      if (typeof serviceEndpoint !== 'string' || !isUrl(serviceEndpoint)) {
        fail('serviceEndpoint must be an absolute URL');
      }
      return { id, type, serviceEndpoint };
    });
  }

  if (raw.controller !== undefined) {
    const controllers = stringArray(raw.controller, 'controller', DOCUMENT_LIMITS.controllers);
    for (const c of controllers) if (!isDid(c)) fail(`controller "${c}" is not a DID`);
    content.controller = controllers;
  }
  return { content, keyTypes };
}

function isUrl(value: string): boolean {
  if (value.length > DOCUMENT_LIMITS.stringLength) return false;
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}

/** The multibase key of a verification method, or undefined if the fragment is not one. */
export function findVerificationMethod(
  content: DidDocumentContent,
  fragment: string,
): VerificationMethodContent | undefined {
  return content.verificationMethod.find((vm) => vm.id === fragment);
}

/** True if the fragment is listed under the relationship. */
export function hasRelationship(
  content: DidDocumentContent,
  relationship: VerificationRelationship,
  fragment: string,
): boolean {
  return content[relationship]?.includes(fragment) ?? false;
}
