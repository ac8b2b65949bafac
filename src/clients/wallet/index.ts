/** The holder's wallet: an encrypted credential store, OpenID4VCI receive, DCQL presentations. */
export { WalletStore, walletPath } from './wallet-store.ts';
export type { StoredCredential } from './wallet-store.ts';
export { receiveCredential } from './receive.ts';
export type { ReceiveCredentialParameters } from './receive.ts';
export { parsePresentationRequest, presentCredentials } from './present.ts';
export type { PresentationRequest, PresentationResponse } from './present.ts';
export { describeCredential, summarizeCredential } from './summary.ts';
export type { CredentialSummary } from './summary.ts';
export { answerLoginRequest, openLoginRequest, parseWalletUri, sendLoginAnswer } from './login.ts';
export type { LoginAnswer, LoginLedger, LoginPrompt } from './login.ts';
