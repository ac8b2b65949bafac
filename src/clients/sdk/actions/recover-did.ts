import type { DidDocumentContent } from '../../../core/did/index.ts';
import { recoveryCommitment } from '../../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { publicKeyToMultibase } from '../../../core/keys/index.ts';
import type { KeyPair } from '../../../core/keys/key-type.ts';
import { RECOVERY_KID } from '../../../ledger/registries/did-registry.ts';
import { checkedContent, startingPoint, submitDidOperation } from '../lib/change-did.ts';
import type { DocumentChange } from '../lib/change-did.ts';
import type { Transport } from '../transport.ts';
import type { DidOperationResult, WaitOptions } from '../types.ts';
import {
  DEFAULT_SIGNING_RELATIONSHIPS,
  nextKeyFragment,
  verificationMethodFor,
} from '../utils/document.ts';

export interface RecoverDidParameters extends WaitOptions {
  did: string;
  /** The key committed to at the last create or recover; it is revealed now and spent. */
  recoveryKey: KeyPair;
  /** The next recovery key: only its commitment is published. */
  nextRecoveryKey: KeyPair;
  /**
   * The new signing key. By default the recovered document keeps its services and
   * controllers and has this key (under a new fragment) as its only key.
   */
  signingKey?: KeyPair;
  /** Fragment of the new signing key (default: the next unused `key-N`). */
  keyId?: string;
  /** A whole new document (or a function of the current one) instead of the default. */
  document?: DocumentChange;
  previousVersionId?: string;
}

/**
 * Takes a DID back with its recovery key, when its signing keys are lost or stolen: every
 * old key is dropped and the recovery key is replaced. Needs none of the old signing keys.
 */
export async function recoverDid(
  transport: Transport,
  parameters: RecoverDidParameters,
): Promise<DidOperationResult & { keyId?: string }> {
  const { signingKey } = parameters;
  if (!parameters.document && !signingKey) {
    throw new DdiError(ErrorCode.Malformed, 'recoverDid needs a signingKey or a document');
  }
  let keyId = parameters.keyId;
  const change: DocumentChange =
    parameters.document ??
    ((current: DidDocumentContent) => {
      keyId ??= nextKeyFragment(current);
      const next: DidDocumentContent = {
        verificationMethod: [verificationMethodFor(keyId, signingKey!)],
      };
      for (const rel of DEFAULT_SIGNING_RELATIONSHIPS) next[rel] = [keyId];
      if (current.service?.length) next.service = current.service;
      if (current.controller?.length) next.controller = current.controller;
      return next;
    });
  const start = await startingPoint(
    transport,
    parameters.did,
    change,
    parameters.previousVersionId,
  );
  const content = checkedContent(start.content!);
  const recoveryKey = publicKeyToMultibase(
    parameters.recoveryKey.type,
    parameters.recoveryKey.publicKey,
  );
  const nextRecoveryCommitment = recoveryCommitment(
    publicKeyToMultibase(parameters.nextRecoveryKey.type, parameters.nextRecoveryKey.publicKey),
  );
  const result = await submitDidOperation(transport, {
    type: 'did.recover',
    did: parameters.did,
    payload: {
      did: parameters.did,
      previousVersionId: start.previousVersionId,
      document: content,
      recoveryKey,
      nextRecoveryCommitment,
    },
    signer: {
      kid: RECOVERY_KID,
      type: parameters.recoveryKey.type,
      privateKey: parameters.recoveryKey.privateKey,
    },
    previousVersionId: start.previousVersionId,
    content,
    wait: parameters.wait,
    timeoutMs: parameters.timeoutMs,
  });
  return keyId === undefined ? result : { ...result, keyId };
}
