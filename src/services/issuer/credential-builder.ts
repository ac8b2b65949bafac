import { issueSdJwtVc } from '../../core/credentials/sd-jwt/index.ts';
import type { JwsSigner } from '../../core/credentials/jws/index.ts';
import { CREDENTIALS_V2_CONTEXT, issueVcJwt } from '../../core/credentials/vc-jwt/index.ts';
import type { CredentialTemplate } from '../../core/templates/credential-template.ts';
import type { IssuedFormat } from './metadata.ts';
import type { ProvenHolderKey } from './key-proof.ts';
import { OAuthError } from './oauth-error.ts';

/** A place in a status list, as the status allocator hands it out. */
export interface StatusAllocation {
  /** The status list's URL (Token Status List for SD-JWT VC, the list credential for vc+jwt). */
  uri: string;
  idx: number;
}

/** The issuer's signing key: a DID URL of one of its assertionMethod keys, and the key. */
export interface IssuerSigningKey {
  kid: string;
  signer: JwsSigner;
}

export interface BuildCredentialInput {
  format: IssuedFormat;
  issuerDid: string;
  signingKey: IssuerSigningKey;
  template: CredentialTemplate;
  claims: Record<string, unknown>;
  holder: ProvenHolderKey;
  /** Seconds since the epoch. */
  issuedAt: number;
  validitySeconds: number;
  status?: StatusAllocation;
  /** Claims the SD-JWT VC carries in the clear (always shown); the others are disclosable. */
  plainClaims?: readonly string[];
}

/**
 * Signs the credential: an SD-JWT VC (vct = the template's credentialType, every claim
 * selectively disclosable unless named in `plainClaims`, `cnf.jwk` = the holder key) or a vc+jwt whose
 * `credentialSubject.id` is the holder DID. The claims were checked against the template.
 */
export function buildCredential(input: BuildCredentialInput): string {
  const { template, claims, holder, issuedAt } = input;
  const exp = issuedAt + input.validitySeconds;
  if (input.format === 'dc+sd-jwt') {
    const payload = {
      ...claims,
      iss: input.issuerDid,
      iat: issuedAt,
      exp,
      vct: template.credentialType,
      cnf: { jwk: holder.jwk },
      ...(input.status ? { status: { status_list: input.status } } : {}),
    };
    return issueSdJwtVc({
      header: { kid: input.signingKey.kid },
      payload,
      disclosable: Object.keys(claims)
        .filter((name) => !input.plainClaims?.includes(name))
        .map((name) => [name]),
      signer: input.signingKey.signer,
    });
  }
  if (holder.did === undefined) {
    throw new OAuthError(
      'invalid_proof',
      'a jwt_vc_json credential is bound to a DID: sign the proof with a did:ddi kid',
    );
  }
  const credential = {
    '@context': [CREDENTIALS_V2_CONTEXT],
    type: ['VerifiableCredential', template.credentialType],
    issuer: input.issuerDid,
    validFrom: new Date(issuedAt * 1000).toISOString(),
    validUntil: new Date(exp * 1000).toISOString(),
    // The holder's DID last: a claim named `id` cannot rebind the credential.
    credentialSubject: { ...claims, id: holder.did },
    ...(input.status
      ? {
          credentialStatus: {
            type: 'BitstringStatusListEntry',
            statusPurpose: 'revocation',
            statusListIndex: String(input.status.idx),
            statusListCredential: input.status.uri,
          },
        }
      : {}),
  };
  return issueVcJwt(credential, input.signingKey.signer, { kid: input.signingKey.kid });
}
