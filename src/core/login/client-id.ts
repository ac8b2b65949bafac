import { parseDdiDid } from '../did/index.ts';
import { DdiError, ErrorCode } from '../errors.ts';

/** OpenID4VP 1.0 §5.9.3: a Client Identifier that is a DID, whose requests its DID keys sign. */
export const DID_CLIENT_ID_PREFIX = 'decentralized_identifier:';

/** The Client Identifier of a relying party known by its did:ddi DID. */
export function didClientId(did: string): string {
  return `${DID_CLIENT_ID_PREFIX}${parseDdiDid(did)}`;
}

/** The DID inside a `decentralized_identifier:` Client Identifier; `malformed` otherwise. */
export function didOfClientId(clientId: unknown): string {
  if (typeof clientId !== 'string' || !clientId.startsWith(DID_CLIENT_ID_PREFIX)) {
    throw new DdiError(
      ErrorCode.Malformed,
      `client_id must be ${DID_CLIENT_ID_PREFIX}<did:ddi DID>`,
      { reason: 'clientIdPrefix' },
    );
  }
  return parseDdiDid(clientId.slice(DID_CLIENT_ID_PREFIX.length));
}
