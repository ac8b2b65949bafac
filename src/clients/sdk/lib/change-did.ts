import type { DidDocumentContent } from '../../../core/did/index.ts';
import { renderDidDocument, validateDocumentContent } from '../../../core/did/index.ts';
import type { TransactionSigner } from '../../../ledger/transaction.ts';
import { sendTransaction } from '../actions/send-transaction.ts';
import type { Transport } from '../transport.ts';
import type { DidOperationResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { nextVersionId, readCurrentDid } from './current-did.ts';

/** New content: a full document, or a function of the current one. */
export type DocumentChange =
  DidDocumentContent | ((current: DidDocumentContent) => DidDocumentContent);

/**
 * The content and version a change starts from: resolved unless the caller gave both
 * (a caller that already holds them saves a round trip, and can pin a version on purpose).
 */
export async function startingPoint(
  transport: Transport,
  did: string,
  change: DocumentChange | undefined,
  previousVersionId: string | undefined,
): Promise<{ previousVersionId: string; content: DidDocumentContent | undefined }> {
  if (previousVersionId !== undefined && (change === undefined || typeof change === 'object')) {
    return { previousVersionId, content: change };
  }
  const current = await readCurrentDid(transport, did);
  const content =
    change === undefined
      ? current.content
      : typeof change === 'function'
        ? change(current.content)
        : change;
  return { previousVersionId: previousVersionId ?? current.versionId, content };
}

/** Checks content locally (the node checks it again) so a mistake fails before signing. */
export function checkedContent(content: DidDocumentContent): DidDocumentContent {
  return validateDocumentContent(content).content;
}

/** Signs and submits one DID operation and describes the DID as it is afterwards. */
export async function submitDidOperation(
  transport: Transport,
  operation: {
    type: 'did.create' | 'did.update' | 'did.recover' | 'did.deactivate';
    did: string;
    payload: Record<string, unknown>;
    signer: DidSigner | TransactionSigner;
    previousVersionId?: string;
    /** Content after the operation; null once deactivated. */
    content: DidDocumentContent | null;
  } & WaitOptions,
): Promise<DidOperationResult> {
  const sent = await sendTransaction(transport, {
    type: operation.type,
    payload: operation.payload,
    signers: [operation.signer],
    wait: operation.wait,
    timeoutMs: operation.timeoutMs,
  });
  return {
    did: operation.did,
    ...sent,
    versionId:
      operation.previousVersionId === undefined ? '1' : nextVersionId(operation.previousVersionId),
    document: renderDidDocument(operation.did, operation.content),
  };
}
