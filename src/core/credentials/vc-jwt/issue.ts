import { signCompactJws } from '../jws/index.ts';
import type { JsonObject, JwsSigner } from '../jws/index.ts';
import { credentialIssuer, validateCredential } from './credential.ts';
import { requireKidOf } from './lib/checks.ts';

export interface IssueVcJwtOptions {
  /** DID URL of the issuer's verification method that signs, e.g. `did:ddi:…#key-1`. */
  kid: string;
}

/**
 * Secures a VCDM 2.0 credential as a vc+jwt (VC-JOSE-COSE §3.1.1, "Securing JSON-LD Verifiable
 * Credentials with JOSE"): the credential itself is the JWT claims set, the header is
 * `{alg, typ: 'vc+jwt', kid}`. Throws `malformed` for a credential of the wrong shape and
 * `unknownKey` when `kid` is not a key of the credential's issuer.
 */
export function issueVcJwt(
  credential: unknown,
  signer: JwsSigner,
  { kid }: IssueVcJwtOptions,
): string {
  const vc = validateCredential(credential);
  requireKidOf(kid, credentialIssuer(vc), 'issuer');
  return signCompactJws({ typ: 'vc+jwt', kid }, vc as JsonObject, signer);
}
