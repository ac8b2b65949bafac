import { DdiError } from '../../core/errors.ts';
import { decodeCompactJwsUnverified, verifyCompactJws } from '../../core/credentials/jws/index.ts';
import type { JwsHeader, JwsVerificationKey } from '../../core/credentials/jws/index.ts';
import { publicKeyFromJwk, publicKeyToJwk } from '../../core/keys/index.ts';
import { authenticationKey } from '../did-auth/authentication-key.ts';
import type { Jwk } from '../../core/keys/index.ts';
import type { IssuerLedger } from './issuer-ledger.ts';
import { OAuthError } from './oauth-error.ts';

/** The `typ` of an OpenID4VCI key proof JWT (OpenID4VCI 1.0 Appendix F.1). */
export const KEY_PROOF_TYP = 'openid4vci-proof+jwt';

/** The holder key a proof demonstrated possession of. */
export interface ProvenHolderKey {
  /** The public key as a JWK: what `cnf.jwk` carries. */
  jwk: Jwk;
  /** The holder DID when the proof named its key by a did:ddi URL `kid`. */
  did?: string;
  kid?: string;
}

export interface KeyProofCheck {
  /** The Credential Issuer Identifier: the proof's `aud`. */
  audience: string;
  /** Uses up a c_nonce; false for one unknown, used or expired. */
  consumeNonce: (nonce: string) => boolean;
  ledger: Pick<IssuerLedger, 'resolveDid'>;
  /** Seconds since the epoch (default now). */
  now?: number;
  /** Oldest acceptable `iat`, in seconds (default 300). */
  maxAgeSeconds?: number;
  /** Allowed clock skew into the future, in seconds (default 60). */
  leewaySeconds?: number;
}

const invalidProof = (message: string): OAuthError => new OAuthError('invalid_proof', message);

async function keyFromKid(
  kid: string,
  ledger: Pick<IssuerLedger, 'resolveDid'>,
): Promise<{ key: JwsVerificationKey; did: string }> {
  try {
    return await authenticationKey(kid, (did) => ledger.resolveDid(did));
  } catch (err) {
    if (err instanceof DdiError && err.code !== 'unavailable') throw invalidProof(err.message);
    throw err;
  }
}

function keyFromJwk(jwk: unknown): JwsVerificationKey {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw invalidProof('jwk must be a JSON object');
  }
  // A private key in a header would be sent in the clear: refuse rather than use it.
  if ('d' in jwk) throw invalidProof('jwk must be a public key');
  try {
    return publicKeyFromJwk(jwk as Jwk);
  } catch (err) {
    throw invalidProof(`jwk is not a supported public key: ${(err as Error).message}`);
  }
}

/**
 * Verifies a key proof JWT (OpenID4VCI 1.0 §8.2.1, Appendix F.1): `typ`, exactly one of `jwk`
 * and `kid` (a did:ddi URL resolved through the node), the signature under that key, `aud`,
 * a recent `iat`, then the `nonce`, which is used up only for a proof that passed every other
 * check. Throws OAuthError `invalid_proof` or `invalid_nonce`.
 */
export async function verifyKeyProof(jwt: string, check: KeyProofCheck): Promise<ProvenHolderKey> {
  let header: JwsHeader;
  try {
    header = decodeCompactJwsUnverified(jwt).header;
  } catch (err) {
    throw invalidProof(`the proof is not a JWT: ${(err as Error).message}`);
  }
  if (header.typ !== KEY_PROOF_TYP) throw invalidProof(`the proof's typ must be ${KEY_PROOF_TYP}`);
  const hasKid = header.kid !== undefined;
  const hasJwk = header.jwk !== undefined;
  // Two key parameters would let a proof pair a kid naming someone's key with its own jwk.
  if (hasKid === hasJwk || header.x5c !== undefined) {
    throw invalidProof('the proof header needs exactly one of kid and jwk');
  }
  let key: JwsVerificationKey;
  let did: string | undefined;
  if (hasKid) {
    if (typeof header.kid !== 'string') throw invalidProof('kid must be a string');
    ({ key, did } = await keyFromKid(header.kid, check.ledger));
  } else {
    key = keyFromJwk(header.jwk);
  }

  let payload: Record<string, unknown>;
  try {
    payload = (await verifyCompactJws(jwt, () => key)).payload;
  } catch (err) {
    if (err instanceof DdiError) throw invalidProof(`the proof does not verify: ${err.message}`);
    throw err;
  }
  const aud = payload.aud;
  if (aud !== check.audience && !(Array.isArray(aud) && aud.includes(check.audience))) {
    throw invalidProof(`the proof's aud must be ${check.audience}`);
  }
  const now = check.now ?? Math.floor(Date.now() / 1000);
  const iat = payload.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalidProof('the proof needs iat');
  if (iat > now + (check.leewaySeconds ?? 60)) throw invalidProof('the proof is from the future');
  if (iat < now - (check.maxAgeSeconds ?? 300)) throw invalidProof('the proof is too old');
  const nonce = payload.nonce;
  if (typeof nonce !== 'string' || !check.consumeNonce(nonce)) {
    throw new OAuthError(
      'invalid_nonce',
      'the proof needs a fresh c_nonce from the nonce endpoint (missing, unknown, used or expired)',
    );
  }
  return {
    jwk: publicKeyToJwk(key.type, key.publicKey),
    ...(did !== undefined ? { did, kid: header.kid as string } : {}),
  };
}
