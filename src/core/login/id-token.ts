import { parseDidUrl } from '../did/index.ts';
import { DdiError, ErrorCode } from '../errors.ts';
import { signCompactJws, verifyCompactJws } from '../credentials/jws/index.ts';
import type { JwsSigner, JwsVerificationKey } from '../credentials/jws/index.ts';

/** A Self-Issued ID Token (SIOPv2 §11): the holder says "I am this DID" to one audience. */
export interface SelfIssuedIdTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  nonce: string;
  iat: number;
  exp: number;
}

/** Signs the ID token with a holder key (`kid` a DID URL of an authentication key). */
export function issueSelfIssuedIdToken(input: {
  kid: string;
  signer: JwsSigner;
  audience: string;
  nonce: string;
  /** ms since the epoch. */
  now: number;
  lifetimeSeconds?: number;
}): string {
  const did = parseDidUrl(input.kid).did;
  const iat = Math.floor(input.now / 1000);
  const claims: SelfIssuedIdTokenClaims = {
    iss: did,
    sub: did,
    aud: input.audience,
    nonce: input.nonce,
    iat,
    exp: iat + (input.lifetimeSeconds ?? 300),
  };
  return signCompactJws(
    { typ: 'JWT', kid: input.kid },
    claims as unknown as Record<string, unknown>,
    input.signer,
  );
}

const refuse = (reason: string, message: string): never => {
  throw new DdiError(ErrorCode.InvalidCredential, message, { reason });
};

/**
 * Checks a Self-Issued ID Token: signed by `resolveHolderKey(kid)` where kid is a DID URL of
 * the DID in `iss` = `sub`; `aud` is this relying party; `nonce` is the one it sent; not expired.
 * Returns the holder's DID and the key that signed.
 */
export async function verifySelfIssuedIdToken(
  jwt: string,
  expect: {
    audience: string;
    nonce: string;
    /** ms since the epoch. */
    now: number;
    resolveHolderKey: (kid: string) => Promise<JwsVerificationKey>;
  },
): Promise<{ holder: string; kid: string; key: JwsVerificationKey }> {
  let key: JwsVerificationKey | undefined;
  let kid = '';
  const { payload } = await verifyCompactJws(
    jwt,
    async (header, unverified) => {
      if (typeof header.kid !== 'string') refuse('kidMissing', 'the ID token has no kid');
      kid = header.kid as string;
      const did = parseDidUrl(kid).did;
      if (unverified.iss !== did || unverified.sub !== did) {
        refuse('subjectMismatch', 'a self-issued ID token has iss = sub = the DID of its key');
      }
      key = await expect.resolveHolderKey(kid);
      return key;
    },
    { maxLength: 16 * 1024 },
  );
  const claims = payload as Partial<SelfIssuedIdTokenClaims>;
  if (claims.aud !== expect.audience) {
    refuse('audienceMismatch', 'the ID token was made for another relying party');
  }
  if (claims.nonce !== expect.nonce) refuse('nonceMismatch', 'the ID token has another nonce');
  const now = Math.floor(expect.now / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now)
    refuse('expired', 'the ID token expired');
  if (typeof claims.iat !== 'number' || claims.iat > now + 60) {
    refuse('issuedInFuture', 'the ID token is issued in the future');
  }
  return { holder: claims.sub!, kid, key: key! };
}
