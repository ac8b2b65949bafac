import { createHmac } from 'node:crypto';

/**
 * The `sub` an application sees: HMAC-SHA256 under the bridge's secret of the application's
 * sector (its ledger DID) and the holder's DID (OpenID Connect Core §8.1, pairwise). One
 * person gets one stable `sub` per application, and two applications cannot link theirs;
 * without the secret nobody can map a `sub` back to a DID.
 */
export function pairwiseSubject(secret: Uint8Array, sector: string, holderDid: string): string {
  return createHmac('sha256', secret)
    .update(`ddi-pairwise-v1\n${sector}\n${holderDid}`)
    .digest('base64url');
}
