import type { Transport } from '../transport.ts';
import type { DidOperationResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { withControllers } from '../utils/document.ts';
import { updateDid } from './update-did.ts';

export interface SetControllersParameters extends WaitOptions {
  did: string;
  signer: DidSigner;
  /** The complete new list of controller DIDs; [] removes them all. */
  controllers: string[];
  previousVersionId?: string;
}

/** Sets which other DIDs may update (and deactivate) this DID. */
export function setControllers(
  transport: Transport,
  parameters: SetControllersParameters,
): Promise<DidOperationResult> {
  return updateDid(transport, {
    did: parameters.did,
    signer: parameters.signer,
    previousVersionId: parameters.previousVersionId,
    document: (current) => withControllers(current, parameters.controllers),
    wait: parameters.wait,
    timeoutMs: parameters.timeoutMs,
  });
}
