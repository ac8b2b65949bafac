import { signCompactJws } from '../../core/credentials/jws/index.ts';
import type { JwsSigner } from '../../core/credentials/jws/index.ts';
import { CREDENTIALS_V2_CONTEXT } from '../../core/credentials/vc-jwt/index.ts';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import {
  bitstringForPurpose,
  encodeBitstring,
  encodeTokenStatusListBytes,
  unpackTokenStatuses,
} from '../../core/status/index.ts';
import type { BitstringStatusPurpose, StatusBits } from '../../core/status/index.ts';

/** A ledger status list and the issuer key that signs what is published of it. */
export interface SignedStatusListInput {
  /** The list's owner: the issuer DID. */
  owner: string;
  listId: string;
  /** The packed entries as the ledger holds them (`statusListBytes`: Token Status List order). */
  packed: Uint8Array;
  bits: StatusBits;
  /** The issuer's key; `kid` must be a verification method of `owner`. */
  signer: JwsSigner;
  kid: string;
  /** Seconds since the epoch the token is issued at (default: now). */
  now?: number;
}

export interface StatusListTokenInput extends SignedStatusListInput {
  /** Where the token is served: its `sub`, and the `uri` of credentials' `status.status_list`. */
  uri: string;
  /** Seconds a verifier may cache the token before fetching it again. */
  ttl: number;
  /** Seconds the token is valid (its `exp` - `iat`; default 24 h, at least `ttl`). */
  validitySeconds?: number;
}

export interface BitstringStatusListCredentialInput extends SignedStatusListInput {
  /** The credential's URL: `statusListCredential` of the credentials it covers. */
  uri: string;
  purpose: BitstringStatusPurpose;
  /** Seconds the credential is valid (its `validUntil`; default 24 h). */
  validitySeconds?: number;
  /** Milliseconds a verifier may cache it (Bitstring Status List `ttl`). */
  ttlMs?: number;
}

const DAY = 24 * 3600;

/** `kid` must name a key of the list's owner: a verifier checks the signer against the issuer. */
function checkKid(owner: string, kid: string): void {
  if (!kid.startsWith(`${owner}#`)) {
    throw new DdiError(ErrorCode.UnknownKey, `${kid} is not a key of ${owner}`, { field: 'kid' });
  }
}

function issuedAt(now: number | undefined): number {
  return now ?? Math.floor(Date.now() / 1000);
}

/**
 * A Status List Token (draft-ietf-oauth-status-list, JWT form): header `typ: statuslist+jwt`,
 * claims `sub` (the token's URI), `iat`, `exp`, `ttl` and `status_list: {bits, lst}` carrying
 * the ledger's bits unchanged (they are in the Token Status List's order already).
 */
export function statusListTokenJwt(input: StatusListTokenInput): string {
  checkKid(input.owner, input.kid);
  if (!Number.isSafeInteger(input.ttl) || input.ttl <= 0) {
    throw new DdiError(ErrorCode.Malformed, 'ttl is a positive number of seconds', {
      field: 'ttl',
    });
  }
  const iat = issuedAt(input.now);
  const validity = Math.max(input.validitySeconds ?? DAY, input.ttl);
  const claims = {
    iss: input.owner,
    sub: input.uri,
    iat,
    exp: iat + validity,
    ttl: input.ttl,
    status_list: encodeTokenStatusListBytes(input.packed, input.bits),
  };
  return signCompactJws({ typ: 'statuslist+jwt', kid: input.kid }, claims, input.signer);
}

/**
 * A W3C BitstringStatusListCredential (VCDM 2.0) for one purpose, secured as vc+jwt. A ledger
 * list of 2 bits holds both purposes (1 revoked, 2 suspended); each is published as its own
 * one-bit list, as the Bitstring Status List has one purpose per list.
 */
export function bitstringStatusListCredential(input: BitstringStatusListCredentialInput): string {
  checkKid(input.owner, input.kid);
  if (input.purpose === 'suspension' && input.bits === 1) {
    throw new DdiError(ErrorCode.Malformed, 'a 1-bit list records revocation only', {
      field: 'purpose',
    });
  }
  const statuses = unpackTokenStatuses(input.packed, input.bits);
  const iat = issuedAt(input.now);
  const credential = {
    '@context': [CREDENTIALS_V2_CONTEXT],
    id: input.uri,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: input.owner,
    validFrom: new Date(iat * 1000).toISOString(),
    validUntil: new Date((iat + (input.validitySeconds ?? DAY)) * 1000).toISOString(),
    credentialSubject: {
      id: `${input.uri}#list`,
      type: 'BitstringStatusList',
      statusPurpose: input.purpose,
      encodedList: encodeBitstring(bitstringForPurpose(statuses, input.purpose)),
      ...(input.ttlMs === undefined ? {} : { ttl: input.ttlMs }),
    },
  };
  // Signed here, not by issueVcJwt: its subject must be a holder DID, while a status list
  // credential's subject is the list itself. The header is vc+jwt's all the same.
  return signCompactJws({ typ: 'vc+jwt', kid: input.kid }, credential, input.signer);
}
