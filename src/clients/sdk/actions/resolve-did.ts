import type { DidResolutionResult, ResolutionOptions } from '../../../core/did/index.ts';
import type { Transport } from '../transport.ts';

/** Resolves a DID, optionally at a `versionId` or `versionTime`. */
export function resolveDid(
  transport: Transport,
  did: string,
  options: ResolutionOptions = {},
): Promise<DidResolutionResult> {
  return transport.resolve(did, options);
}
