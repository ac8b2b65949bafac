import type { BatchEntryStatus } from '../../../ledger/ledger-node.ts';
import { signTransaction } from '../../../ledger/transaction.ts';
import type { Transaction } from '../../../ledger/transaction.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { getChainId } from './get-chain-id.ts';
import type { Transport } from '../transport.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { signerParts, toTransactionSigner } from '../utils/did-signer.ts';
import { readCurrentDid } from '../lib/current-did.ts';

export interface DecommissionDeviceParameters {
  device: string;
  /** A capabilityInvocation key of the organization that registered the device. */
  signer: DidSigner;
  /** A short reason code ("scrapped", "stolen"); never personal data. */
  reason?: string;
  /** Also deactivate the device's DID, so that no key of it is valid anywhere (default true). */
  deactivateDid?: boolean;
  timeoutMs?: number;
}

export interface DecommissionDeviceResult {
  device: string;
  /** device.decommission, then did.deactivate when asked. */
  transactions: Transaction[];
  results: BatchEntryStatus[];
}

/**
 * Retires a device: the registry marks it decommissioned (authentication refuses it) and,
 * by default, its DID is deactivated by the organization as its controller. Both go in one
 * request; either may fail alone (a DID deactivated earlier, say), which the results show.
 * Returns only once the decommission is committed (else `timeout` or the refusal's code);
 * the deactivation's own result may still be `timeout` or `rejected`.
 */
export async function decommissionDevice(
  transport: Transport,
  parameters: DecommissionDeviceParameters,
): Promise<DecommissionDeviceResult> {
  const chainId = await getChainId(transport);
  const signers = [toTransactionSigner(parameters.signer)];
  const transactions: Transaction[] = [
    signTransaction(
      {
        chainId,
        type: 'device.decommission',
        payload: {
          controller: signerParts(parameters.signer).did,
          device: parameters.device,
          ...(parameters.reason ? { reason: parameters.reason } : {}),
        },
      },
      signers,
    ),
  ];
  if (parameters.deactivateDid ?? true) {
    const current = await readCurrentDid(transport, parameters.device).catch((err: unknown) => {
      // Deactivated earlier (by its recovery key, say): only the registry is left to update.
      if (err instanceof DdiError && err.code === ErrorCode.Deactivated) return undefined;
      throw err;
    });
    if (current)
      transactions.push(
        signTransaction(
          {
            chainId,
            type: 'did.deactivate',
            payload: { did: parameters.device, previousVersionId: current.versionId },
          },
          signers,
        ),
      );
  }
  const results = await transport.submitBatch(transactions, {
    wait: true,
    timeoutMs: parameters.timeoutMs,
  });
  // Done only when committed: a `timeout` is held in the node's memory, not on disk.
  const first = results[0]!;
  if (first.status === 'rejected') {
    throw new DdiError(first.code as ErrorCode, first.message, { id: first.id });
  }
  if (first.status !== 'committed') {
    throw new DdiError(
      ErrorCode.Timeout,
      `the decommission of ${parameters.device} is not committed yet (${first.status}): ` +
        'check its status and submit again if it is unknown',
      { id: first.id, status: first.status },
    );
  }
  return { device: parameters.device, transactions, results };
}
