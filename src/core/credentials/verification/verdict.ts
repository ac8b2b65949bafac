import type { KeyTypeName } from '../../keys/key-type.ts';
import type { CredentialTemplate } from '../../templates/credential-template.ts';

/** The checks a verdict reports, in the order a verifier runs them. */
export type CheckName =
  | 'format'
  | 'issuerKey'
  | 'signature'
  | 'disclosures'
  | 'holderBinding'
  | 'validity'
  | 'accreditation'
  | 'schema'
  | 'status';

export interface Check {
  check: CheckName;
  ok: boolean;
  /** Why not (a stable code: revoked, suspended, notAccredited, nonceMismatch, expired, …). */
  reason?: string;
  details?: Record<string, unknown>;
}

/** The answer to "may I rely on this?": yes only if every check passed, with every reason if not. */
export interface Verdict {
  verified: boolean;
  format: 'dc+sd-jwt' | 'jwt_vc_json';
  issuer?: string;
  holder?: string;
  credentialType?: string;
  /** Issuance time (ms): the moment issuer key, accreditation and template are judged at. */
  issuedAt?: number;
  /** The claims the holder disclosed (only when the signature verified). */
  claims?: Record<string, unknown>;
  checks: Check[];
  /** The reasons of the failed checks, for callers that only want the list. */
  reasons: string[];
}

/**
 * What verification needs from the ledger, kept behind an interface so the same policy runs
 * against a node's state, a light client's proven answers, or a test's fixtures.
 */
export interface VerificationContext {
  /** The key `kid` names, if it was an assertionMethod key of its DID at `time` (ms); else why not. */
  issuerKeyAt(
    kid: string,
    time: number,
  ): Promise<{ type: KeyTypeName; publicKey: Uint8Array } | { error: string }>;
  /** The key `kid` names, if it is an authentication key of its DID now; else why not. */
  holderKey(kid: string): Promise<{ type: KeyTypeName; publicKey: Uint8Array } | { error: string }>;
  /** Was `issuer` accredited to issue `credentialType` at `time`? */
  accreditedAt(
    issuer: string,
    credentialType: string,
    time: number,
  ): Promise<{ accredited: boolean; reason?: string }>;
  /** The template the issuer had registered for the type at `time`. */
  templateAt(
    issuer: string,
    credentialType: string,
    time: number,
  ): Promise<CredentialTemplate | undefined>;
  /** The status of an entry of the issuer's status list (undefined: no such list or entry). */
  statusOf(
    owner: string,
    listId: string,
    index: number,
  ): Promise<'valid' | 'revoked' | 'suspended' | undefined>;
}

/** What the verifier asked for: its own identifier, the nonce it sent, and when "now" is. */
export interface PresentationExpectations {
  audience: string;
  nonce: string;
  /** ms since the epoch. */
  now: number;
  /** Oldest acceptable presentation (holder signature `iat`), seconds (default 300). */
  maxAgeSeconds?: number;
}
