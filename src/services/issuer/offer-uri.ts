import { DdiError, ErrorCode } from '../../core/errors.ts';

/** The scheme wallets register for credential offers (OpenID4VCI 1.0 §4.1.3). */
export const CREDENTIAL_OFFER_SCHEME = 'openid-credential-offer://';

/** The pre-authorized code grant type (OpenID4VCI 1.0 §3.5). */
export const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

/** `openid-credential-offer://?credential_offer_uri=<url>`: what a QR code carries. */
export function credentialOfferUri(offerUrl: string): string {
  return `${CREDENTIAL_OFFER_SCHEME}?credential_offer_uri=${encodeURIComponent(offerUrl)}`;
}

/** Where an offer is: by reference (a URL to fetch) or by value (the offer JSON). */
export type OfferLocation = { uri: string } | { offer: unknown };

/**
 * Reads an offer URI: the `openid-credential-offer://` form with `credential_offer_uri` or
 * `credential_offer`, or a plain https/http URL of the offer itself. `malformed` otherwise.
 */
export function parseCredentialOfferUri(text: string): OfferLocation {
  if (/^https?:\/\//.test(text)) return { uri: text };
  if (!text.startsWith(CREDENTIAL_OFFER_SCHEME)) {
    throw new DdiError(
      ErrorCode.Malformed,
      `a credential offer starts with ${CREDENTIAL_OFFER_SCHEME} or is an http(s) URL`,
    );
  }
  const query = text.slice(CREDENTIAL_OFFER_SCHEME.length).replace(/^[^?]*\?/, '');
  const params = new URLSearchParams(query);
  const byReference = params.get('credential_offer_uri');
  const byValue = params.get('credential_offer');
  // §4.1: exactly one of the two.
  if ((byReference === null) === (byValue === null)) {
    throw new DdiError(
      ErrorCode.Malformed,
      'a credential offer URI has exactly one of credential_offer_uri and credential_offer',
    );
  }
  if (byReference !== null) {
    if (!/^https?:\/\//.test(byReference)) {
      throw new DdiError(ErrorCode.Malformed, 'credential_offer_uri must be an http(s) URL');
    }
    return { uri: byReference };
  }
  try {
    return { offer: JSON.parse(byValue!) };
  } catch {
    throw new DdiError(ErrorCode.Malformed, 'credential_offer is not JSON');
  }
}
