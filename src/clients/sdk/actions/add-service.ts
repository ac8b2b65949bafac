import type { ServiceContent } from '../../../core/did/index.ts';
import type { Transport } from '../transport.ts';
import type { DidOperationResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { withService } from '../utils/document.ts';
import { updateDid } from './update-did.ts';

export interface AddServiceParameters extends WaitOptions {
  did: string;
  signer: DidSigner;
  /** The service; `id` is a fragment ("hub"). An existing service with that id is replaced. */
  service: ServiceContent;
  previousVersionId?: string;
}

/** Adds (or replaces) one service endpoint of a DID. */
export function addService(
  transport: Transport,
  parameters: AddServiceParameters,
): Promise<DidOperationResult> {
  return updateDid(transport, {
    did: parameters.did,
    signer: parameters.signer,
    previousVersionId: parameters.previousVersionId,
    document: (current) => withService(current, parameters.service),
    wait: parameters.wait,
    timeoutMs: parameters.timeoutMs,
  });
}
