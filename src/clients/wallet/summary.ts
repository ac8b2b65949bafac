import { decodeCompactJwsUnverified } from '../../core/credentials/jws/index.ts';
import { decodeSdJwt } from '../../core/credentials/sd-jwt/index.ts';
import type { DcqlCandidate } from '../../core/credentials/dcql/index.ts';
import type { StoredCredential } from './wallet-store.ts';

/** What a person sees of a credential: no claim values unless asked. */
export interface CredentialSummary {
  id: string;
  format: StoredCredential['format'];
  type: string;
  issuer: string;
  issuedAt?: string;
  expires?: string;
  claimNames: string[];
  claims?: Record<string, unknown>;
}

// Names the format itself puts in a credential, not the issuer's claims about the holder.
const SD_JWT_VC_NAMES = new Set(['iss', 'iat', 'nbf', 'exp', 'vct', 'cnf', 'status', 'sub', 'jti']);

const isoOf = (seconds: unknown): string | undefined =>
  typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : undefined;

/** The holder's claims and metadata of a stored credential, read without verification. */
export function describeCredential(stored: StoredCredential): Omit<CredentialSummary, 'claims'> & {
  claims: Record<string, unknown>;
  candidate: DcqlCandidate;
} {
  if (stored.format === 'dc+sd-jwt') {
    const { claims } = decodeSdJwt(stored.credential);
    const subject = Object.fromEntries(
      Object.entries(claims).filter(([name]) => !SD_JWT_VC_NAMES.has(name)),
    );
    const type = String(claims.vct);
    return {
      id: stored.id,
      format: stored.format,
      type,
      issuer: String(claims.iss),
      ...(isoOf(claims.iat) ? { issuedAt: isoOf(claims.iat) } : {}),
      ...(isoOf(claims.exp) ? { expires: isoOf(claims.exp) } : {}),
      claimNames: Object.keys(subject),
      claims: subject,
      candidate: { id: stored.id, format: stored.format, vct: type, claims },
    };
  }
  const { payload } = decodeCompactJwsUnverified(stored.credential);
  const types = Array.isArray(payload.type) ? payload.type.map(String) : [String(payload.type)];
  const subject = { ...(payload.credentialSubject as Record<string, unknown>) };
  delete subject.id;
  const issuer = payload.issuer;
  return {
    id: stored.id,
    format: stored.format,
    type: types.filter((t) => t !== 'VerifiableCredential').join(',') || 'VerifiableCredential',
    issuer: typeof issuer === 'string' ? issuer : String((issuer as { id?: unknown })?.id),
    ...(typeof payload.validFrom === 'string' ? { issuedAt: payload.validFrom } : {}),
    ...(typeof payload.validUntil === 'string' ? { expires: payload.validUntil } : {}),
    claimNames: Object.keys(subject),
    claims: subject,
    candidate: { id: stored.id, format: stored.format, types, claims: payload },
  };
}

/** The list entry of a credential; claim values only with `showValues`. */
export function summarizeCredential(
  stored: StoredCredential,
  showValues = false,
): CredentialSummary {
  const { candidate: _candidate, claims, ...summary } = describeCredential(stored);
  return showValues ? { ...summary, claims } : summary;
}
