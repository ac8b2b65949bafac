import { parseDidUrl } from '../did/index.ts';
import { DdiError, ErrorCode } from '../errors.ts';
import { parseDcqlQuery } from '../credentials/dcql/index.ts';
import { signCompactJws, verifyCompactJws } from '../credentials/jws/index.ts';
import type { JwsSigner, JwsVerificationKey } from '../credentials/jws/index.ts';
import { didOfClientId } from './client-id.ts';

/** JAR (RFC 9101) media type suffix OpenID4VP 1.0 §5 asks request objects to carry. */
export const REQUEST_OBJECT_TYP = 'oauth-authz-req+jwt';
/** SIOPv2 §9 / OpenID4VP §5.8: the audience of a request object for a wallet found statically. */
export const SELF_ISSUED_AUDIENCE = 'https://self-issued.me/v2';
export const LOGIN_RESPONSE_TYPE = 'vp_token id_token';

/**
 * The claims of a login request: SIOPv2 (`id_token`, who you are) and OpenID4VP (`vp_token`,
 * the claims asked for with DCQL), answered by `direct_post` to `response_uri`.
 */
export interface LoginRequestClaims {
  iss: string;
  aud: string;
  client_id: string;
  response_type: string;
  response_mode: 'direct_post';
  response_uri: string;
  scope: 'openid';
  nonce: string;
  state: string;
  dcql_query?: unknown;
  /**
   * ddi extension: the registered application on whose behalf a bridge asks (its DID), so the
   * wallet shows and checks who really receives the claims.
   */
  ddi_relying_party?: string;
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
}

/** Signs a request object with a key of the relying party's DID (kid = a DID URL of that DID). */
export function signLoginRequest(
  claims: LoginRequestClaims,
  key: { kid: string; signer: JwsSigner },
): string {
  if (parseDidUrl(key.kid).did !== didOfClientId(claims.client_id)) {
    throw new DdiError(ErrorCode.Malformed, 'the request is signed by a key of the client DID');
  }
  return signCompactJws(
    { typ: REQUEST_OBJECT_TYP, kid: key.kid },
    claims as unknown as Record<string, unknown>,
    key.signer,
  );
}

const refuse = (reason: string, message: string): never => {
  throw new DdiError(ErrorCode.InvalidCredential, message, { reason });
};

/**
 * A wallet's check of a request object: signed by a key of the DID its `client_id` names
 * (`resolveKey` gets the kid after the DID was checked), `typ`, `iss` = `client_id`, `aud` =
 * `https://self-issued.me/v2`, `scope` = `openid`, the members a login needs, not expired. `expectedClientId` is the client_id the request URI carried (§5.10: they must match).
 */
export async function verifyLoginRequest(
  jwt: string,
  options: {
    resolveKey: (kid: string) => Promise<JwsVerificationKey>;
    expectedClientId?: string;
    /** ms since the epoch. */
    now: number;
  },
): Promise<LoginRequestClaims> {
  const { header, payload } = await verifyCompactJws(
    jwt,
    async (h, unverified) => {
      const clientDid = didOfClientId(unverified.client_id);
      if (typeof h.kid !== 'string' || parseDidUrl(h.kid).did !== clientDid) {
        refuse('kidNotOfClient', 'the request object is not signed by a key of its client DID');
      }
      return options.resolveKey(h.kid as string);
    },
    { maxLength: 64 * 1024 },
  );
  if (header.typ !== REQUEST_OBJECT_TYP) refuse('typMismatch', `typ must be ${REQUEST_OBJECT_TYP}`);
  const claims = payload as Partial<LoginRequestClaims>;
  if (options.expectedClientId !== undefined && claims.client_id !== options.expectedClientId) {
    refuse('clientIdMismatch', 'the request object names another client_id than the request URI');
  }
  // RFC 9101 §4: a signed request object names its issuer, the client itself.
  if (claims.iss !== claims.client_id) refuse('issuerMismatch', 'iss must be the client_id');
  // SIOPv2 §9 / OpenID4VP §5.8: made for a wallet found statically, not for another audience.
  if (claims.aud !== SELF_ISSUED_AUDIENCE) {
    refuse('audienceMismatch', `aud must be ${SELF_ISSUED_AUDIENCE}`);
  }
  // SIOPv2: a sign-in request asks for the openid scope, and the wallet answers nothing else.
  if (claims.scope !== 'openid') refuse('scopeMismatch', 'scope must be openid');
  for (const field of ['nonce', 'state', 'response_uri'] as const) {
    if (typeof claims[field] !== 'string' || claims[field] === '') {
      throw new DdiError(ErrorCode.Malformed, `the request needs ${field}`);
    }
  }
  if (claims.response_mode !== 'direct_post') {
    throw new DdiError(ErrorCode.Malformed, 'response_mode must be direct_post');
  }
  if (claims.response_type !== LOGIN_RESPONSE_TYPE) {
    throw new DdiError(ErrorCode.Malformed, `response_type must be "${LOGIN_RESPONSE_TYPE}"`);
  }
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') {
    throw new DdiError(ErrorCode.Malformed, 'the request needs iat and exp');
  }
  const now = Math.floor(options.now / 1000);
  if (claims.exp <= now) refuse('requestExpired', 'the login request has expired');
  if (claims.iat > now + 60) refuse('issuedInFuture', 'the login request is issued in the future');
  if (claims.dcql_query !== undefined) parseDcqlQuery(claims.dcql_query);
  if (claims.ddi_relying_party !== undefined) parseDidUrl(claims.ddi_relying_party);
  return claims as LoginRequestClaims;
}
