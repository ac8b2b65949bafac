/**
 * The status list a credential points at. ddi's status lists live on the ledger under the
 * issuer's DID; the URI (where the issuer serves the signed list) ends in the list id.
 */
export function listIdOfStatusUri(uri: string): string | undefined {
  let path: string;
  try {
    path = new URL(uri).pathname;
  } catch {
    return undefined;
  }
  const last = path.split('/').filter(Boolean).at(-1);
  return last && /^[A-Za-z0-9_-]{8,64}$/.test(last) ? last : undefined;
}
