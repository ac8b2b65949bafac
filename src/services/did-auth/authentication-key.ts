import { parseDidUrl } from '../../core/did/index.ts';
import type { DidResolutionResult } from '../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { JwsVerificationKey } from '../../core/credentials/jws/index.ts';
import { publicKeyFromMultibase } from '../../core/keys/index.ts';

export type ResolveDid = (did: string) => Promise<DidResolutionResult>;

/**
 * The public key a did:ddi URL names, if it is an `authentication` key of an active DID now.
 * Throws DdiError: `malformed` (not a did:ddi key URL), `deactivated`, `unknownKey` (not an
 * authentication key), or what resolution threw (`notFound`, `unavailable`).
 */
export async function authenticationKey(
  kid: string,
  resolveDid: ResolveDid,
): Promise<{ key: JwsVerificationKey; did: string }> {
  let did: string;
  let fragment: string | undefined;
  try {
    ({ did, fragment } = parseDidUrl(kid));
  } catch {
    throw new DdiError(ErrorCode.Malformed, 'kid must be a did:ddi URL naming a key');
  }
  if (!did.startsWith('did:ddi:') || !fragment) {
    throw new DdiError(ErrorCode.Malformed, 'kid must be a did:ddi URL naming a key');
  }
  const resolved = await resolveDid(did);
  const doc = resolved.didDocument;
  if (resolved.didDocumentMetadata.deactivated || !doc) {
    throw new DdiError(ErrorCode.Deactivated, `${did} is deactivated`);
  }
  const id = `${did}#${fragment}`;
  const method = doc.verificationMethod?.find((vm) => vm.id === id);
  if (!method || !(doc.authentication ?? []).includes(id)) {
    throw new DdiError(ErrorCode.UnknownKey, `${kid} is not an authentication key of ${did}`);
  }
  return { key: publicKeyFromMultibase(method.publicKeyMultibase), did };
}
