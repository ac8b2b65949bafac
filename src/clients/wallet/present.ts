import { matchDcql, parseDcqlQuery } from '../../core/credentials/dcql/index.ts';
import type { JwsSigner } from '../../core/credentials/jws/index.ts';
import { presentSdJwt } from '../../core/credentials/sd-jwt/index.ts';
import {
  CREDENTIALS_V2_CONTEXT,
  envelopeVcJwt,
  issueVpJwt,
} from '../../core/credentials/vc-jwt/index.ts';
import { parseDidUrl } from '../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import { describeCredential } from './summary.ts';
import type { StoredCredential } from './wallet-store.ts';

/** A presentation request in the OpenID4VP 1.0 shape (the transport comes later). */
export interface PresentationRequest {
  nonce: string;
  /** The verifier's Client Identifier: the presentation's audience. */
  client_id: string;
  dcql_query: unknown;
}

/** OpenID4VP 1.0 §8.1: presentations per credential query id. */
export interface PresentationResponse {
  vp_token: Record<string, string[]>;
}

/** Reads a request, refusing one without nonce, client_id or a valid DCQL query. */
export function parsePresentationRequest(input: unknown): PresentationRequest {
  const r = input as Partial<PresentationRequest> | null;
  if (typeof r !== 'object' || r === null) {
    throw new DdiError(ErrorCode.Malformed, 'a presentation request is a JSON object');
  }
  if (typeof r.nonce !== 'string' || r.nonce === '') {
    throw new DdiError(ErrorCode.Malformed, 'the request needs a nonce');
  }
  if (typeof r.client_id !== 'string' || r.client_id === '') {
    throw new DdiError(ErrorCode.Malformed, 'the request needs a client_id');
  }
  parseDcqlQuery(r.dcql_query);
  return r as PresentationRequest;
}

/**
 * Answers a DCQL query from the wallet's credentials: `matchDcql` picks the credentials and the
 * claim paths, then each SD-JWT VC is presented with only those disclosures and a KB-JWT
 * (aud = client_id, nonce), and each vc+jwt inside a vp+jwt signed by its holder key.
 * `signerFor` gives the key of a holder `kid` (from the keystore). `invalidCredential` with
 * reason `unsatisfied` when the wallet cannot answer.
 */
export function presentCredentials(
  request: PresentationRequest,
  credentials: readonly StoredCredential[],
  signerFor: (kid: string) => JwsSigner,
  now = new Date(),
): PresentationResponse {
  const query = parseDcqlQuery(request.dcql_query);
  const byId = new Map(credentials.map((c) => [c.id, c]));
  const candidates = credentials.map((c) => describeCredential(c).candidate);
  const result = matchDcql(query, candidates);
  if (!result.satisfied) {
    throw new DdiError(
      ErrorCode.InvalidCredential,
      'no credentials in the wallet answer the query',
      {
        reason: 'unsatisfied',
      },
    );
  }
  const vpToken: Record<string, string[]> = {};
  for (const queryId of result.selected) {
    const credentialQuery = query.credentials.find((c) => c.id === queryId)!;
    const matches = result.matches[queryId] ?? [];
    // §6.1: one credential unless the verifier asked for `multiple`.
    const chosen = credentialQuery.multiple ? matches : matches.slice(0, 1);
    vpToken[queryId] = chosen.map((match) => {
      const stored = byId.get(match.candidateId)!;
      const signer = signerFor(stored.holderKid);
      if (stored.format === 'dc+sd-jwt') {
        return presentSdJwt(stored.credential, {
          disclose: match.claimPaths,
          keyBinding: {
            aud: request.client_id,
            nonce: request.nonce,
            iat: Math.floor(now.getTime() / 1000),
            signer,
          },
        });
      }
      const holder = parseDidUrl(stored.holderKid).did;
      return issueVpJwt(
        {
          '@context': [CREDENTIALS_V2_CONTEXT],
          type: ['VerifiablePresentation'],
          holder,
          verifiableCredential: [envelopeVcJwt(stored.credential)],
        },
        { kid: stored.holderKid, aud: request.client_id, nonce: request.nonce, issuedAt: now },
        signer,
      );
    });
  }
  return { vp_token: vpToken };
}
