import type { Transaction } from '../../../ledger/transaction.ts';
import type {
  Assurance,
  RealNameBinding,
  RealNameRegistration,
} from '../../../ledger/registries/real-name-registry.ts';
import type { DisclosureOrder } from '../../../ledger/registries/disclosure-order-registry.ts';
import type { RegistrySigner } from '../utils/governance-signers.ts';
import { randomNonce, signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';

/**
 * Real-name registration and supervised disclosure: what identity verification agencies and
 * the regulator write, and what anyone reads. No personal data crosses this API: a person is a
 * keyed commitment that only agencies can compute (core/identity/identity-commitment.ts).
 */

export interface RegisterRealNameParameters extends WaitOptions {
  /** `identityCommitment(networkKey, personKey)`. */
  commitment: string;
  /** The person's primary DID. */
  did: string;
  /** How the agency verified the person: a higher assurance replaces a lower binding. */
  assurance: Assurance;
  nonce?: string;
  /** The accredited identity verification agency's key. */
  signer: RegistrySigner;
}

export function prepareRegisterRealName(
  transport: Transport,
  parameters: RegisterRealNameParameters,
): Promise<Transaction> {
  return signRegistryTransaction(
    transport,
    'realname.register',
    {
      nonce: parameters.nonce ?? randomNonce(),
      commitment: parameters.commitment,
      did: parameters.did,
      assurance: parameters.assurance,
    },
    parameters.signer,
  );
}

/** Binds a verified person (as a commitment) to their primary DID. */
export async function registerRealName(
  transport: Transport,
  parameters: RegisterRealNameParameters,
): Promise<TransactionResult> {
  return submitSigned(transport, await prepareRegisterRealName(transport, parameters), parameters);
}

export interface OrderDisclosureParameters extends WaitOptions {
  /** Default: random. The agency and the recipient refer to the order by it. */
  orderId?: string;
  subject: string;
  recipient: string;
  /** The law the order rests on; no personal data. */
  legalBasis: string;
  caseReference: string;
  validUntil: Date;
  /** The regulator's governance keys (the threshold of them). */
  signer: RegistrySigner;
}

export function prepareOrderDisclosure(
  transport: Transport,
  parameters: OrderDisclosureParameters,
): Promise<Transaction> {
  return signRegistryTransaction(
    transport,
    'disclosure.order',
    {
      orderId: parameters.orderId ?? randomNonce(),
      subject: parameters.subject,
      recipient: parameters.recipient,
      legalBasis: parameters.legalBasis,
      caseReference: parameters.caseReference,
      validUntil: parameters.validUntil.getTime(),
    },
    parameters.signer,
  );
}

/** The regulator orders the agency of `subject` to identify them to `recipient`. */
export async function orderDisclosure(
  transport: Transport,
  parameters: OrderDisclosureParameters,
): Promise<TransactionResult & { orderId: string }> {
  const tx = await prepareOrderDisclosure(transport, parameters);
  const { orderId } = tx.body.payload as { orderId: string };
  return { ...(await submitSigned(transport, tx, parameters)), orderId };
}

export interface FulfilDisclosureParameters extends WaitOptions {
  orderId: string;
  /** base64url SHA-256 of the agency's salted answer. */
  responseHash: string;
  signer: RegistrySigner;
}

/** The ordered agency records that it answered. */
export async function fulfilDisclosure(
  transport: Transport,
  parameters: FulfilDisclosureParameters,
): Promise<TransactionResult> {
  const tx = await signRegistryTransaction(
    transport,
    'disclosure.fulfil',
    { orderId: parameters.orderId, responseHash: parameters.responseHash },
    parameters.signer,
  );
  return submitSigned(transport, tx, parameters);
}

export function getRealNameBinding(
  transport: Transport,
  commitment: string,
): Promise<RealNameBinding> {
  return transport.getRealNameBinding(commitment);
}

export function getRealNameRegistration(
  transport: Transport,
  did: string,
): Promise<RealNameRegistration> {
  return transport.getRealNameRegistration(did);
}

export function getDisclosureOrder(
  transport: Transport,
  orderId: string,
): Promise<DisclosureOrder> {
  return transport.getDisclosureOrder(orderId);
}
