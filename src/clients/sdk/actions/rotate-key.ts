import { DdiError, ErrorCode } from '../../../core/errors.ts';
import type { KeyPair } from '../../../core/keys/key-type.ts';
import type { Transport } from '../transport.ts';
import type { DidOperationResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { signerParts } from '../utils/did-signer.ts';
import {
  nextKeyFragment,
  replaceVerificationMethod,
  verificationMethodFor,
} from '../utils/document.ts';
import { updateDid } from './update-did.ts';

export interface RotateKeyParameters extends WaitOptions {
  did: string;
  /** Signs the rotation: usually the key being replaced, or a controller's key. */
  signer: DidSigner;
  newKey: KeyPair;
  /** Fragment of the new key (default: the next unused `key-N`). */
  newKeyId?: string;
  /** Fragment of the key to replace (default: the signer's, when the DID signs for itself). */
  replaceKeyId?: string;
  previousVersionId?: string;
}

/**
 * Replaces one verification method by a new key under a new fragment, in every relationship
 * the old one had. The old key can sign nothing for the DID afterwards.
 */
export async function rotateKey(
  transport: Transport,
  parameters: RotateKeyParameters,
): Promise<DidOperationResult & { keyId: string; replacedKeyId: string }> {
  const signer = signerParts(parameters.signer);
  const replacedKeyId =
    parameters.replaceKeyId ?? (signer.did === parameters.did ? signer.fragment : undefined);
  if (replacedKeyId === undefined) {
    throw new DdiError(
      ErrorCode.Malformed,
      'replaceKeyId is required when a controller signs the rotation',
    );
  }
  let keyId = parameters.newKeyId ?? '';
  const result = await updateDid(transport, {
    did: parameters.did,
    signer: parameters.signer,
    previousVersionId: parameters.previousVersionId,
    document: (current) => {
      keyId ||= nextKeyFragment(current);
      return replaceVerificationMethod(
        current,
        replacedKeyId,
        verificationMethodFor(keyId, parameters.newKey),
      );
    },
    wait: parameters.wait,
    timeoutMs: parameters.timeoutMs,
  });
  return { ...result, keyId, replacedKeyId };
}
