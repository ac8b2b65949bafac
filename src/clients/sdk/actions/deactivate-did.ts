import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { publicKeyToMultibase } from '../../../core/keys/index.ts';
import type { KeyPair } from '../../../core/keys/key-type.ts';
import { RECOVERY_KID } from '../../../ledger/registries/did-registry.ts';
import { readCurrentDid } from '../lib/current-did.ts';
import { submitDidOperation } from '../lib/change-did.ts';
import type { Transport } from '../transport.ts';
import type { DidOperationResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';

export interface DeactivateDidParameters extends WaitOptions {
  did: string;
  /** The DID's recovery key. Give this or `signer`. */
  recoveryKey?: KeyPair;
  /** A capabilityInvocation key of a controller DID (never the DID's own keys). */
  signer?: DidSigner;
  previousVersionId?: string;
}

/** Deactivates a DID for good: it keeps resolving, with no keys and `deactivated: true`. */
export async function deactivateDid(
  transport: Transport,
  parameters: DeactivateDidParameters,
): Promise<DidOperationResult> {
  if (!parameters.recoveryKey === !parameters.signer) {
    throw new DdiError(
      ErrorCode.Malformed,
      'deactivateDid needs a recoveryKey or a controller signer',
    );
  }
  const previousVersionId =
    parameters.previousVersionId ?? (await readCurrentDid(transport, parameters.did)).versionId;
  const payload: Record<string, unknown> = { did: parameters.did, previousVersionId };
  const { recoveryKey } = parameters;
  if (recoveryKey) {
    payload.recoveryKey = publicKeyToMultibase(recoveryKey.type, recoveryKey.publicKey);
  }
  return submitDidOperation(transport, {
    type: 'did.deactivate',
    did: parameters.did,
    payload,
    signer: recoveryKey
      ? { kid: RECOVERY_KID, type: recoveryKey.type, privateKey: recoveryKey.privateKey }
      : parameters.signer!,
    previousVersionId,
    content: null,
    wait: parameters.wait,
    timeoutMs: parameters.timeoutMs,
  });
}
