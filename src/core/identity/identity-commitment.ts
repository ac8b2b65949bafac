import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base32 } from 'multiformats/bases/base32';
import { base64urlEncode } from '../encoding/base64url.ts';
import { DdiError, ErrorCode } from '../errors.ts';

/**
 * Keyed commitments to a person, under the network key that the accredited identity
 * verification agencies share (and nobody else holds).
 *
 * An identity number has about 10^9 plausible values per birth year, so any unkeyed hash of it
 * is reversed in minutes. HMAC-SHA-256 under a 256-bit secret is not: without the key, the
 * commitment on the ledger reveals nothing and cannot be tested against a guess. With the key,
 * an agency can ask the ledger "does this person already have a primary DID?", which is
 * exactly what uniqueness across agencies needs.
 *
 * Two labels give two unrelated values: the commitment (on the ledger) and the network identity
 * number (in the certificate). Seeing one does not reveal the other.
 */
export const NETWORK_KEY_BYTES = 32;
const COMMITMENT_LABEL = 'ddi/realname/commitment/v1\n';
const NETWORK_ID_LABEL = 'ddi/realname/network-id/v1\n';
const encoder = new TextEncoder();

function requireKey(networkKey: Uint8Array): void {
  if (networkKey.length !== NETWORK_KEY_BYTES) {
    throw new DdiError(ErrorCode.Malformed, `the network key is ${NETWORK_KEY_BYTES} bytes`);
  }
}

/** The ledger's uniqueness key of a person: base64url HMAC-SHA-256, 43 characters. */
export function identityCommitment(networkKey: Uint8Array, personKey: string): string {
  requireKey(networkKey);
  return base64urlEncode(hmac(sha256, networkKey, encoder.encode(COMMITMENT_LABEL + personKey)));
}

/**
 * The network identity number: stable for the person at every agency, meaningless to anyone
 * without the network key. `N` + 26 base32 characters (128 bits).
 */
export function networkIdentityNumber(networkKey: Uint8Array, personKey: string): string {
  requireKey(networkKey);
  const mac = hmac(sha256, networkKey, encoder.encode(NETWORK_ID_LABEL + personKey));
  // base32's multibase prefix is 'b'.
  return `N${base32.encode(mac.subarray(0, 16)).slice(1).toUpperCase()}`;
}

/** The shape of a commitment, as the ledger checks it. */
export const IDENTITY_COMMITMENT = /^[A-Za-z0-9_-]{43}$/;
