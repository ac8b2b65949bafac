import { signCompactJws } from '../../core/credentials/jws/index.ts';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { KeyPair } from '../../core/keys/index.ts';
import { KEY_PROOF_TYP } from '../../services/issuer/key-proof.ts';
import { parseCredentialOfferUri, PRE_AUTHORIZED_GRANT } from '../../services/issuer/offer-uri.ts';
import type { StoredCredential } from './wallet-store.ts';

export interface ReceiveCredentialParameters {
  /** `openid-credential-offer://?credential_offer_uri=…` (or `credential_offer=…`, or the offer URL). */
  offerUri: string;
  /** The holder key that signs the key proof: a DID URL `kid` and its key pair. */
  holder: { kid: string; keyPair: KeyPair };
  /** Which format to ask for among the offer's configurations (default: the first offered). */
  format?: 'dc+sd-jwt' | 'jwt_vc_json';
  /** The tx_code the issuer sent out of band, when the offer asks for one. */
  txCode?: string;
  fetch?: typeof fetch;
}

interface CredentialOffer {
  credential_issuer: string;
  credential_configuration_ids: string[];
  grants?: Record<string, Record<string, unknown> | undefined>;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function call(
  doFetch: typeof fetch,
  url: string,
  init: RequestInit & { what: string },
): Promise<Json> {
  let response: Response;
  try {
    response = await doFetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    throw new DdiError(
      ErrorCode.Unavailable,
      `cannot reach ${new URL(url).origin} (${init.what}): ${cause?.code ?? String(err)}`,
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const b = isObject(body) ? body : {};
    // OAuth errors ({error, error_description}) and ddi errors ({code, message}) alike.
    const code = typeof b.error === 'string' ? b.error : String(b.code ?? response.status);
    const message = String(b.error_description ?? b.message ?? response.statusText);
    throw new DdiError(
      response.status === 401 || response.status === 403
        ? ErrorCode.Unauthorized
        : ErrorCode.InvalidCredential,
      `${init.what} failed: ${code}: ${message}`,
      { reason: code, status: response.status },
    );
  }
  if (!isObject(body)) {
    throw new DdiError(
      ErrorCode.Malformed,
      `${init.what}: the issuer did not answer a JSON object`,
    );
  }
  return body;
}

function parseOffer(value: unknown): CredentialOffer {
  if (
    !isObject(value) ||
    typeof value.credential_issuer !== 'string' ||
    !/^https?:\/\//.test(value.credential_issuer) ||
    !Array.isArray(value.credential_configuration_ids) ||
    !value.credential_configuration_ids.every((id) => typeof id === 'string')
  ) {
    throw new DdiError(ErrorCode.Malformed, 'not a credential offer (OpenID4VCI 1.0 §4.1.1)');
  }
  return value as unknown as CredentialOffer;
}

/**
 * Receives a credential through the OpenID4VCI 1.0 pre-authorized code flow: reads the offer
 * and the issuer's metadata, redeems the code at the token endpoint, gets a c_nonce, signs the
 * key proof with the holder key (kid = its DID URL) and asks for the credential. Returns what
 * the wallet stores; nothing is written here.
 */
export async function receiveCredential(
  parameters: ReceiveCredentialParameters,
): Promise<Omit<StoredCredential, 'id'>> {
  const doFetch = parameters.fetch ?? globalThis.fetch;
  const location = parseCredentialOfferUri(parameters.offerUri);
  const offer = parseOffer(
    'uri' in location
      ? await call(doFetch, location.uri, { method: 'GET', what: 'fetching the offer' })
      : location.offer,
  );
  const issuer = offer.credential_issuer.replace(/\/$/, '');
  const metadata = await call(doFetch, `${issuer}/.well-known/openid-credential-issuer`, {
    method: 'GET',
    what: 'reading the issuer metadata',
  });
  if (metadata.credential_issuer !== offer.credential_issuer) {
    // §12.2.4: metadata whose identifier differs from the one asked for must not be used.
    throw new DdiError(ErrorCode.Malformed, 'the metadata names another credential issuer');
  }
  const configurations = isObject(metadata.credential_configurations_supported)
    ? metadata.credential_configurations_supported
    : {};
  const configurationId = offer.credential_configuration_ids.find((id) => {
    const config = configurations[id];
    return isObject(config) && (!parameters.format || config.format === parameters.format);
  });
  if (configurationId === undefined) {
    throw new DdiError(
      ErrorCode.NotFound,
      `the offer has no ${parameters.format ?? 'known'} credential configuration`,
    );
  }
  const format = (configurations[configurationId] as Json).format;
  if (format !== 'dc+sd-jwt' && format !== 'jwt_vc_json') {
    throw new DdiError(
      ErrorCode.Malformed,
      `this wallet does not hold ${String(format)} credentials`,
    );
  }

  const grant = offer.grants?.[PRE_AUTHORIZED_GRANT];
  const code = grant?.['pre-authorized_code'];
  if (typeof code !== 'string') {
    throw new DdiError(ErrorCode.Malformed, 'the offer has no pre-authorized code grant');
  }
  if (grant?.tx_code !== undefined && parameters.txCode === undefined) {
    throw new DdiError(ErrorCode.Malformed, 'this offer needs the tx_code the issuer sent you');
  }
  const authServers = Array.isArray(metadata.authorization_servers)
    ? (metadata.authorization_servers as string[])
    : [issuer];
  const asMetadata = await call(
    doFetch,
    `${String(authServers[0]).replace(/\/$/, '')}/.well-known/oauth-authorization-server`,
    { method: 'GET', what: 'reading the authorization server metadata' },
  );
  const form = new URLSearchParams({
    grant_type: PRE_AUTHORIZED_GRANT,
    'pre-authorized_code': code,
  });
  if (grant?.tx_code !== undefined) form.set('tx_code', parameters.txCode!);
  const token = await call(doFetch, String(asMetadata.token_endpoint), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    what: 'redeeming the pre-authorized code',
  });
  if (typeof token.access_token !== 'string') {
    throw new DdiError(ErrorCode.Malformed, 'the token response has no access_token');
  }
  if (typeof metadata.nonce_endpoint !== 'string') {
    throw new DdiError(ErrorCode.Malformed, 'the issuer has no nonce endpoint');
  }
  const { c_nonce } = await call(doFetch, metadata.nonce_endpoint, {
    method: 'POST',
    what: 'getting a nonce',
  });
  if (typeof c_nonce !== 'string') throw new DdiError(ErrorCode.Malformed, 'no c_nonce');

  const { kid, keyPair } = parameters.holder;
  // Appendix F.1; no iss: the pre-authorized flow is anonymous (no client_id).
  const proof = signCompactJws(
    { typ: KEY_PROOF_TYP, kid },
    { aud: offer.credential_issuer, iat: Math.floor(Date.now() / 1000), nonce: c_nonce },
    { type: keyPair.type, privateKey: keyPair.privateKey },
  );
  const response = await call(doFetch, String(metadata.credential_endpoint), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token.access_token}`,
    },
    body: JSON.stringify({
      credential_configuration_id: configurationId,
      proofs: { jwt: [proof] },
    }),
    what: 'requesting the credential',
  });
  const first = Array.isArray(response.credentials)
    ? (response.credentials[0] as unknown)
    : undefined;
  if (!isObject(first) || typeof first.credential !== 'string') {
    throw new DdiError(ErrorCode.Malformed, 'the credential response holds no credential');
  }
  return {
    format,
    credential: first.credential,
    issuerUrl: offer.credential_issuer,
    credentialConfigurationId: configurationId,
    holderKid: kid,
    received: new Date().toISOString(),
  };
}
