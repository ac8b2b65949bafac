import type { DocumentChange } from '../lib/change-did.ts';
import { checkedContent, startingPoint, submitDidOperation } from '../lib/change-did.ts';
import type { Transport } from '../transport.ts';
import type { DidOperationResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';

export type { DocumentChange } from '../lib/change-did.ts';

export interface UpdateDidParameters extends WaitOptions {
  did: string;
  /** A capabilityInvocation key of the DID, or of one of its controller DIDs. */
  signer: DidSigner;
  /** The new content, or a function from the current content to the new one. */
  document: DocumentChange;
  /** The version this update replaces (default: the current one, resolved). */
  previousVersionId?: string;
}

/** Replaces a DID's keys, services and controllers (one `did.update` transaction). */
export async function updateDid(
  transport: Transport,
  parameters: UpdateDidParameters,
): Promise<DidOperationResult> {
  const start = await startingPoint(
    transport,
    parameters.did,
    parameters.document,
    parameters.previousVersionId,
  );
  const content = checkedContent(start.content!);
  return submitDidOperation(transport, {
    type: 'did.update',
    did: parameters.did,
    payload: { did: parameters.did, previousVersionId: start.previousVersionId, document: content },
    signer: parameters.signer,
    previousVersionId: start.previousVersionId,
    content,
    wait: parameters.wait,
    timeoutMs: parameters.timeoutMs,
  });
}
