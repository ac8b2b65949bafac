/** OpenID4VCI 1.0 credential issuer service (pre-authorized code flow). */
export { startIssuer } from './server.ts';
export type {
  IssuedCredential,
  IssuerServiceOptions,
  OfferInput,
  RunningIssuer,
} from './server.ts';
export type { IssuerLedger } from './issuer-ledger.ts';
export type { IssuerSigningKey, StatusAllocation } from './credential-builder.ts';
export { buildCredential } from './credential-builder.ts';
export { GrantStore } from './grant-store.ts';
export { KEY_PROOF_TYP, verifyKeyProof } from './key-proof.ts';
export type { ProvenHolderKey } from './key-proof.ts';
export {
  configurationId,
  credentialConfigurations,
  ISSUED_FORMATS,
  parseConfigurationId,
} from './metadata.ts';
export type { IssuedFormat } from './metadata.ts';
export { OAuthError } from './oauth-error.ts';
export {
  CREDENTIAL_OFFER_SCHEME,
  credentialOfferUri,
  parseCredentialOfferUri,
  PRE_AUTHORIZED_GRANT,
} from './offer-uri.ts';
export {
  DEFAULT_STATUS_FILL_LIMIT,
  openIssuerStatusList,
  STATUS_LIST_FILE,
} from './issuer-status.ts';
export type { IssuedStatusEntry, IssuerStatusList, IssuerStatusOptions } from './issuer-status.ts';
