import { signCompactJws } from '../jws/index.ts';
import type { JwsSigner } from '../jws/index.ts';
import { malformed, requireKidOf } from './lib/checks.ts';
import { validatePresentation } from './presentation.ts';

export interface IssueVpJwtOptions {
  /** DID URL of the holder's verification method that signs. */
  kid: string;
  /** The verifier's Client Identifier (OpenID4VP: the `aud` of the presentation). */
  aud: string;
  /** The verifier's nonce from the request. */
  nonce: string;
  /** When the holder signs; becomes `iat`, which the verifier bounds with its max age. */
  issuedAt: Date;
}

/**
 * Secures a presentation as a vp+jwt (VC-JOSE-COSE §3.1.2, "Securing JSON-LD Verifiable
 * Presentations with JOSE"): the presentation is the JWT claims set, with the JWT claims `aud`,
 * `nonce` and `iat` beside its properties (as OpenID4VP 1.0 Appendix B.1.3 asks of jwt_vc_json
 * presentations). The `kid` must be a key of `holder`.
 */
export function issueVpJwt(
  presentation: unknown,
  options: IssueVpJwtOptions,
  holderSigner: JwsSigner,
): string {
  const { presentation: vp } = validatePresentation(presentation);
  requireKidOf(options.kid, vp.holder, 'holder');
  if (typeof options.aud !== 'string' || options.aud === '') malformed('aud', 'aud is required');
  if (typeof options.nonce !== 'string' || options.nonce === '') {
    malformed('nonce', 'nonce is required');
  }
  const iat = Math.floor(options.issuedAt.getTime() / 1000);
  if (!Number.isSafeInteger(iat)) malformed('issuedAt', 'issuedAt is not a valid Date');
  // The binding claims are set last so the presentation object cannot override them.
  const claims = { ...vp, aud: options.aud, nonce: options.nonce, iat };
  return signCompactJws({ typ: 'vp+jwt', kid: options.kid }, claims, holderSigner);
}
