// The W3C Verifiable Credentials Data Model 2.0 credential, as ddi issues and accepts it.
import { isDid } from '../../did/index.ts';
import {
  checkContext,
  checkType,
  isObject,
  isUrl,
  malformed,
  parseDateTimeStamp,
} from './lib/checks.ts';

/** The base context every VCDM 2.0 credential and presentation starts with (§4.3). */
export const CREDENTIALS_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';

/** Status purposes of the Bitstring Status List v1.0 (§2.1). */
export type StatusPurpose = 'revocation' | 'suspension' | 'refresh' | 'message';

/** A `credentialStatus` entry pointing into a status list credential (Bitstring Status List §2.1). */
export interface BitstringStatusListEntry {
  id?: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: StatusPurpose;
  /** A non-negative integer in base 10, as a string. */
  statusListIndex: string;
  /** URL of the BitstringStatusListCredential. */
  statusListCredential: string;
  [extra: string]: unknown;
}

/** A VCDM 2.0 credential: the JWT claims set of a vc+jwt (VC-JOSE-COSE §3.1.1). */
export interface VerifiableCredential {
  '@context': string[] | [string, ...unknown[]];
  id?: string;
  type: string | string[];
  /** The issuer's DID, or an object whose `id` is it. */
  issuer: string | { id: string; [extra: string]: unknown };
  validFrom?: string;
  validUntil?: string;
  /** One subject; its `id` is the holder's DID. */
  credentialSubject: { id: string; [claim: string]: unknown };
  credentialStatus?: BitstringStatusListEntry | BitstringStatusListEntry[];
  [extra: string]: unknown;
}

const STATUS_PURPOSES: ReadonlySet<string> = new Set([
  'revocation',
  'suspension',
  'refresh',
  'message',
]);
const BASE10_INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * Checks that `input` has the shape of a VCDM 2.0 credential ddi can issue or accept and returns
 * it typed; throws DdiError `malformed` with `details.field`. ddi requires what VCDM leaves
 * optional for holder binding: a single `credentialSubject` whose `id` is the holder's DID.
 */
export function validateCredential(input: unknown): VerifiableCredential {
  if (!isObject(input)) malformed('credential', 'a credential is a JSON object');
  checkContext(input['@context'], CREDENTIALS_V2_CONTEXT);
  checkType(input.type, 'VerifiableCredential');
  if (input.id !== undefined && !isUrl(input.id)) malformed('id', 'id must be a URL');
  credentialIssuer(input as { issuer: unknown });

  const subject = input.credentialSubject;
  if (!isObject(subject)) {
    malformed('credentialSubject', 'credentialSubject must be one object');
  }
  if (typeof subject.id !== 'string' || !isDid(subject.id)) {
    malformed('credentialSubject.id', "credentialSubject.id must be the holder's DID");
  }

  const from =
    input.validFrom === undefined ? undefined : parseDateTimeStamp(input.validFrom, 'validFrom');
  const until =
    input.validUntil === undefined ? undefined : parseDateTimeStamp(input.validUntil, 'validUntil');
  if (from !== undefined && until !== undefined && until < from) {
    malformed('validUntil', 'validUntil is before validFrom');
  }

  if (input.credentialStatus !== undefined) {
    const status = input.credentialStatus;
    if (Array.isArray(status)) {
      if (status.length === 0) malformed('credentialStatus', 'credentialStatus is empty');
      status.forEach((entry, i) => checkStatusEntry(entry, `credentialStatus[${i}]`));
    } else {
      checkStatusEntry(status, 'credentialStatus');
    }
  }
  return input as VerifiableCredential;
}

/** The issuer DID of a credential (`issuer` or `issuer.id`); `malformed` unless it is a DID. */
export function credentialIssuer(credential: { issuer: unknown }): string {
  const { issuer } = credential;
  const id = isObject(issuer) ? issuer.id : issuer;
  if (typeof id !== 'string' || !isDid(id)) {
    malformed(isObject(issuer) ? 'issuer.id' : 'issuer', 'issuer must be the issuer DID');
  }
  return id;
}

function checkStatusEntry(entry: unknown, at: string): void {
  if (!isObject(entry)) malformed(at, 'a status entry is an object');
  if (entry.type !== 'BitstringStatusListEntry') {
    malformed(`${at}.type`, 'ddi reads BitstringStatusListEntry status entries');
  }
  if (entry.id !== undefined && !isUrl(entry.id)) malformed(`${at}.id`, 'id must be a URL');
  if (typeof entry.statusPurpose !== 'string' || !STATUS_PURPOSES.has(entry.statusPurpose)) {
    malformed(
      `${at}.statusPurpose`,
      'statusPurpose must be revocation, suspension, refresh or message',
    );
  }
  if (typeof entry.statusListIndex !== 'string' || !BASE10_INDEX.test(entry.statusListIndex)) {
    malformed(`${at}.statusListIndex`, 'statusListIndex must be a base-10 integer string');
  }
  if (!isUrl(entry.statusListCredential)) {
    malformed(`${at}.statusListCredential`, 'statusListCredential must be a URL');
  }
}
