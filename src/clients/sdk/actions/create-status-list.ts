import type { StatusListPurpose } from '../../../ledger/registries/status-registry.ts';
import { randomNonce, signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { signerParts } from '../utils/did-signer.ts';

export interface CreateStatusListParameters extends WaitOptions {
  /** A key of the issuer, accredited now as a credential issuer; the issuer owns the list. */
  signer: DidSigner;
  /** 8-64 base64url characters (default: 16 random ones, so ids say nothing about the issuer). */
  listId?: string;
  /** Entries: a power of two from 131,072 (the default) to 1,048,576. */
  size?: number;
  /** What the entries record (default `revocation+suspension`). */
  purpose?: StatusListPurpose;
  /** Bits per entry (default 2; 1 only for a revocation list). */
  bits?: 1 | 2;
}

/** What createStatusList returns: the list's owner and id with the transaction. */
export interface CreateStatusListResult extends TransactionResult {
  owner: string;
  listId: string;
}

/** Creates a status list owned by the signer's DID (`status.createList`). */
export async function createStatusList(
  transport: Transport,
  parameters: CreateStatusListParameters,
): Promise<CreateStatusListResult> {
  const { did: owner } = signerParts(parameters.signer);
  const listId = parameters.listId ?? randomNonce();
  const tx = await signRegistryTransaction(
    transport,
    'status.createList',
    {
      listId,
      size: parameters.size,
      bits: parameters.bits,
      purpose: parameters.purpose ?? 'revocation+suspension',
    },
    parameters.signer,
  );
  return { owner, listId, ...(await submitSigned(transport, tx, parameters)) };
}
