import type {
  CreateDidOperation,
  DidDocumentContent,
  ServiceContent,
} from '../../../core/did/index.ts';
import { didFromCreateOperation, recoveryCommitment } from '../../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { publicKeyToMultibase } from '../../../core/keys/index.ts';
import type { KeyPair } from '../../../core/keys/key-type.ts';
import { checkedContent, submitDidOperation } from '../lib/change-did.ts';
import type { Transport } from '../transport.ts';
import type { DidOperationResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { didSigner } from '../utils/did-signer.ts';
import { DEFAULT_SIGNING_RELATIONSHIPS, verificationMethodFor } from '../utils/document.ts';

export interface CreateDidParameters extends WaitOptions {
  /** The DID's first key; it signs the create (proof of possession). */
  signingKey: KeyPair;
  /** Only its commitment goes on the ledger; keep the private key offline for recovery. */
  recoveryKey: KeyPair;
  /** Fragment of the signing key (default "key-1"). */
  keyId?: string;
  service?: ServiceContent[];
  /** DIDs whose capabilityInvocation keys may also update this DID (e.g. a device's organization). */
  controller?: string[];
  /**
   * The whole document instead of the default (signing key in authentication, assertionMethod
   * and capabilityInvocation). It must list `keyId` with the signing key as a capabilityInvocation key.
   */
  document?: DidDocumentContent;
}

/** A create operation, its DID and its signer, without submitting anything. */
export function prepareCreateDid(parameters: CreateDidParameters): {
  did: string;
  operation: CreateDidOperation;
  signer: DidSigner;
} {
  const keyId = parameters.keyId ?? 'key-1';
  const method = verificationMethodFor(keyId, parameters.signingKey);
  let document: DidDocumentContent;
  if (parameters.document) {
    const listed = parameters.document.verificationMethod.find((vm) => vm.id === keyId);
    if (listed?.publicKeyMultibase !== method.publicKeyMultibase) {
      throw new DdiError(
        ErrorCode.Malformed,
        `the document must list the signing key as verification method "${keyId}"`,
      );
    }
    document = parameters.document;
  } else {
    document = { verificationMethod: [method] };
    for (const rel of DEFAULT_SIGNING_RELATIONSHIPS) document[rel] = [keyId];
    if (parameters.service?.length) document.service = parameters.service;
    if (parameters.controller?.length) document.controller = parameters.controller;
  }
  const operation: CreateDidOperation = {
    document: checkedContent(document),
    recoveryCommitment: recoveryCommitment(
      publicKeyToMultibase(parameters.recoveryKey.type, parameters.recoveryKey.publicKey),
    ),
  };
  const did = didFromCreateOperation(operation);
  return { did, operation, signer: didSigner(did, keyId, parameters.signingKey) };
}

/** Registers a new DID; its id is derived from the create operation (self-certifying). */
export async function createDid(
  transport: Transport,
  parameters: CreateDidParameters,
): Promise<DidOperationResult> {
  const { did, operation, signer } = prepareCreateDid(parameters);
  return submitDidOperation(transport, {
    type: 'did.create',
    did,
    payload: { ...operation },
    signer,
    content: operation.document,
    wait: parameters.wait,
    timeoutMs: parameters.timeoutMs,
  });
}
