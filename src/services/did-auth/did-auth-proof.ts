import { DdiError, ErrorCode } from '../../core/errors.ts';
import {
  decodeCompactJwsUnverified,
  signCompactJws,
  verifyCompactJws,
} from '../../core/credentials/jws/index.ts';
import type { JwsSigner } from '../../core/credentials/jws/index.ts';
import { authenticationKey } from './authentication-key.ts';
import type { ResolveDid } from './authentication-key.ts';

/** The `typ` of a DID authentication proof: "I control this DID", for one audience, once. */
export const DID_AUTH_TYP = 'ddi-auth+jwt';

export interface DidAuthProofInput {
  /** A DID URL of one of the signer's authentication keys. */
  kid: string;
  signer: JwsSigner;
  /** Who the proof is for (the agency's DID or URL). */
  audience: string;
  /** The challenge the audience handed out. */
  nonce: string;
  /** More claims the proof covers (what is being asked for: an order id, say). */
  claims?: Record<string, unknown>;
  /** Seconds since the epoch (default now). */
  iat?: number;
}

/** Signs a DID authentication proof: a compact JWS `{iss, aud, nonce, iat, ...claims}`. */
export function signDidAuthProof(input: DidAuthProofInput): string {
  const did = input.kid.split('#')[0]!;
  return signCompactJws(
    { typ: DID_AUTH_TYP, kid: input.kid },
    {
      ...input.claims,
      iss: did,
      aud: input.audience,
      nonce: input.nonce,
      iat: input.iat ?? Math.floor(Date.now() / 1000),
    },
    input.signer,
  );
}

export interface DidAuthCheck {
  audience: string;
  resolveDid: ResolveDid;
  /** Uses up a challenge; false if unknown, used or expired. */
  consumeNonce: (nonce: string) => boolean;
  /** Seconds since the epoch (default now). */
  now?: number;
  maxAgeSeconds?: number;
}

/**
 * Verifies a DID authentication proof: typ, the kid an authentication key of an active DID,
 * `iss` that DID, the signature, `aud`, a recent `iat`, and last the single-use challenge.
 * Returns the DID and the proof's claims. Throws DdiError (`badSignature`, `invalidCredential`
 * with `details.reason`, or the resolution error).
 */
export async function verifyDidAuthProof(
  jws: unknown,
  check: DidAuthCheck,
): Promise<{ did: string; kid: string; claims: Record<string, unknown> }> {
  if (typeof jws !== 'string') throw new DdiError(ErrorCode.Malformed, 'proof must be a JWS');
  const { header } = decodeCompactJwsUnverified(jws);
  if (header.typ !== DID_AUTH_TYP) {
    throw new DdiError(ErrorCode.Malformed, `the proof's typ must be ${DID_AUTH_TYP}`);
  }
  if (typeof header.kid !== 'string')
    throw new DdiError(ErrorCode.Malformed, 'the proof needs a kid');
  const { key, did } = await authenticationKey(header.kid, check.resolveDid);
  const { payload } = await verifyCompactJws(jws, () => key);
  const refuse = (reason: string, message: string): never => {
    throw new DdiError(ErrorCode.InvalidCredential, message, { reason });
  };
  if (payload.iss !== did) refuse('issuerMismatch', `the proof's iss must be ${did}`);
  if (payload.aud !== check.audience)
    refuse('audienceMismatch', `the proof is not for ${check.audience}`);
  const now = check.now ?? Math.floor(Date.now() / 1000);
  const iat = payload.iat;
  if (typeof iat !== 'number' || iat > now + 60 || iat < now - (check.maxAgeSeconds ?? 300)) {
    refuse('stale', 'the proof is too old, from the future, or has no iat');
  }
  if (typeof payload.nonce !== 'string' || !check.consumeNonce(payload.nonce)) {
    refuse('nonceUnknown', 'the challenge is unknown, used or expired: ask for a new one');
  }
  return { did, kid: header.kid, claims: payload };
}
