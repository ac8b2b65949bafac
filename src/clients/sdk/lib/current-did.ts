import type { DidDocumentContent } from '../../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import type { Transport } from '../transport.ts';
import { documentContent } from '../utils/document.ts';

/** The current version and content of a DID, resolved through the transport. */
export async function readCurrentDid(
  transport: Transport,
  did: string,
): Promise<{ versionId: string; content: DidDocumentContent }> {
  const result = await transport.resolve(did);
  const { didDocument, didDocumentMetadata } = result;
  if (didDocumentMetadata.deactivated) {
    throw new DdiError(ErrorCode.Deactivated, `${did} is deactivated`);
  }
  if (!didDocument || didDocumentMetadata.versionId === undefined) {
    throw new DdiError(ErrorCode.Internal, `resolving ${did} returned no document or versionId`);
  }
  return { versionId: didDocumentMetadata.versionId, content: documentContent(didDocument) };
}

/** The versionId after `versionId`. */
export function nextVersionId(versionId: string): string {
  return String(Number(versionId) + 1);
}
