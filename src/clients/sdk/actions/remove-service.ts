import type { Transport } from '../transport.ts';
import type { DidOperationResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { withoutService } from '../utils/document.ts';
import { updateDid } from './update-did.ts';

export interface RemoveServiceParameters extends WaitOptions {
  did: string;
  signer: DidSigner;
  /** The service's fragment ("hub"). */
  serviceId: string;
  previousVersionId?: string;
}

/** Removes one service endpoint of a DID (`notFound` if it has none by that id). */
export function removeService(
  transport: Transport,
  parameters: RemoveServiceParameters,
): Promise<DidOperationResult> {
  return updateDid(transport, {
    did: parameters.did,
    signer: parameters.signer,
    previousVersionId: parameters.previousVersionId,
    document: (current) => withoutService(current, parameters.serviceId),
    wait: parameters.wait,
    timeoutMs: parameters.timeoutMs,
  });
}
