import { randomBytes } from 'node:crypto';
import type { Transaction } from '../../../ledger/transaction.ts';
import { signTransaction, transactionId } from '../../../ledger/transaction.ts';
import { getChainId } from '../actions/get-chain-id.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';
import { toTransactionSigner } from '../utils/did-signer.ts';
import type { RegistrySigner } from '../utils/governance-signers.ts';
import { isGovernanceSigners } from '../utils/governance-signers.ts';

/**
 * A fresh nonce or id (16 base64url characters): keeps identical-looking grants distinct,
 * and names status lists, grants and orders. It never starts with `-` or `_`, because people
 * type these ids after a command (`ddi status get … <listId>`), where `-x…` reads as an option.
 */
export function randomNonce(): string {
  const id = randomBytes(12).toString('base64url');
  return /^[-_]/.test(id) ? `n${id.slice(1)}` : id;
}

/** The payload without undefined members, so its canonical form is what goes on the wire. */
export function definedFields(payload: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
}

/** Builds a transaction for the node's chain and signs it (not submitted). */
export async function signRegistryTransaction(
  transport: Transport,
  type: string,
  payload: Record<string, unknown>,
  signer: RegistrySigner,
): Promise<Transaction> {
  const chainId = await getChainId(transport);
  const signers = isGovernanceSigners(signer) ? signer.signers : [signer];
  return signTransaction(
    { chainId, type, payload: definedFields(payload) },
    signers.map(toTransactionSigner),
  );
}

/** Submits a signed transaction (waiting for its block by default). */
export async function submitSigned(
  transport: Transport,
  transaction: Transaction,
  options: WaitOptions = {},
): Promise<TransactionResult> {
  const status = await transport.submit(transaction, {
    wait: options.wait ?? true,
    timeoutMs: options.timeoutMs,
  });
  return { txId: transactionId(transaction.body), status, transaction };
}

/** Milliseconds since the epoch from a Date or a number of ms. */
export function toMillis(value: Date | number): number {
  return value instanceof Date ? value.getTime() : value;
}
