import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { signerParts } from '../utils/did-signer.ts';

export interface AnchorAccessLogParameters extends WaitOptions {
  /** A capabilityInvocation key of the data holder that keeps the log. */
  signer: DidSigner;
  logId: string;
  /** The sequence number of the log's last entry… */
  sequence: number;
  /** …and its hash: `AccessLog.head()` gives both. */
  head: string;
}

/** Anchors an access log's head on the ledger (`audit.anchor`); sequences strictly increase. */
export async function anchorAccessLog(
  transport: Transport,
  parameters: AnchorAccessLogParameters,
): Promise<TransactionResult> {
  if (parameters.sequence < 1) {
    throw new DdiError(ErrorCode.Malformed, 'the access log is empty: nothing to anchor', {
      field: 'sequence',
    });
  }
  const { did: holder } = signerParts(parameters.signer);
  const tx = await signRegistryTransaction(
    transport,
    'audit.anchor',
    { holder, logId: parameters.logId, sequence: parameters.sequence, head: parameters.head },
    parameters.signer,
  );
  return submitSigned(transport, tx, parameters);
}
