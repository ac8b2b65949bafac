/**
 * An error the OAuth / OpenID4VCI endpoints answer as `{error, error_description}` (RFC 6749
 * §5.2, OpenID4VCI 1.0 §8.3.1.2): the code is the spec's, not a ddi ErrorCode.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    /** The spec's error code: `invalid_grant`, `invalid_proof`, `invalid_nonce`, … */
    readonly error: string,
    message: string,
    /** 400 for token and credential request errors; 401 for a bad access token (RFC 6750). */
    readonly status = 400,
  ) {
    super(message);
  }

  /** The response body. */
  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}
