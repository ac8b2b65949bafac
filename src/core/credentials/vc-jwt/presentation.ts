// VCDM 2.0 presentations of enveloped vc+jwt credentials (VCDM 2.0 §4.13.1, VC-JOSE-COSE §3.1.2).
import { isDid } from '../../did/index.ts';
import { CREDENTIALS_V2_CONTEXT } from './credential.ts';
import { checkContext, checkType, isObject, isUrl, malformed } from './lib/checks.ts';

/** The `data:` URL prefix of an enveloped vc+jwt (VC-JOSE-COSE §3.1.2). */
export const VC_JWT_DATA_URL_PREFIX = 'data:application/vc+jwt,';

/** A credential carried inside a presentation by value, still secured by its own JWS. */
export interface EnvelopedVerifiableCredential {
  '@context': string;
  id: string;
  type: 'EnvelopedVerifiableCredential';
}

/** A VCDM 2.0 presentation whose credentials are enveloped vc+jwts. */
export interface VerifiablePresentation {
  '@context': string[] | [string, ...unknown[]];
  id?: string;
  type: string | string[];
  /** The holder's DID; the vp+jwt must be signed by one of its keys. */
  holder: string;
  verifiableCredential: EnvelopedVerifiableCredential[];
  [extra: string]: unknown;
}

/** Wraps a vc+jwt as an EnvelopedVerifiableCredential for a presentation's `verifiableCredential`. */
export function envelopeVcJwt(vcJwt: string): EnvelopedVerifiableCredential {
  return {
    '@context': CREDENTIALS_V2_CONTEXT,
    id: `${VC_JWT_DATA_URL_PREFIX}${vcJwt}`,
    type: 'EnvelopedVerifiableCredential',
  };
}

/**
 * Checks a presentation's shape (context, type, holder DID, enveloped vc+jwt credentials) and
 * returns it typed with the enclosed compact JWSs; throws `malformed` with `details.field`.
 */
export function validatePresentation(input: unknown): {
  presentation: VerifiablePresentation;
  credentials: string[];
} {
  if (!isObject(input)) malformed('presentation', 'a presentation is a JSON object');
  checkContext(input['@context'], CREDENTIALS_V2_CONTEXT);
  checkType(input.type, 'VerifiablePresentation');
  if (input.id !== undefined && !isUrl(input.id)) malformed('id', 'id must be a URL');
  if (typeof input.holder !== 'string' || !isDid(input.holder)) {
    malformed('holder', "holder must be the holder's DID");
  }
  const list = input.verifiableCredential;
  if (!Array.isArray(list) || list.length === 0) {
    malformed('verifiableCredential', 'verifiableCredential must be a non-empty array');
  }
  const credentials = list.map((entry, i) => {
    const at = `verifiableCredential[${i}]`;
    if (!isObject(entry) || entry.type !== 'EnvelopedVerifiableCredential') {
      malformed(`${at}.type`, 'credentials are EnvelopedVerifiableCredential');
    }
    const id = entry.id;
    // A data: URL with this media type and no parameters or base64 flag: the JWS is plain ASCII.
    if (typeof id !== 'string' || !id.startsWith(VC_JWT_DATA_URL_PREFIX)) {
      malformed(`${at}.id`, `id must be a ${VC_JWT_DATA_URL_PREFIX}<jws> data URL`);
    }
    const jws = id.slice(VC_JWT_DATA_URL_PREFIX.length);
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(jws)) {
      malformed(`${at}.id`, 'the data URL does not hold a compact JWS');
    }
    return jws;
  });
  return { presentation: input as VerifiablePresentation, credentials };
}
