import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { parseDdiDid } from '../../core/did/index.ts';
import type { StateReader } from '../state/world-state.ts';
import type { TxHandler } from './tx-context.ts';
import { activeDidField, noPersonalNumbers, payloadFields } from './authorization.ts';
import { authorizeGovernance } from './governance-registry.ts';
import { authorizeAgency, realNameRegistrationOfDid } from './real-name-registry.ts';

/**
 * Supervised disclosure: the only way an agency reveals who is behind a DID. The regulator
 * (its M-of-N governance keys) puts an order on the ledger naming the DID, the legal basis, a
 * case reference and the one recipient; the agency that verified the person checks the order
 * here, answers only that recipient, and records the fulfilment as a hash of its answer.
 *
 * The order carries no personal data: free text is bounded and may not hold a run of 11 or more
 * digits (a phone number, an identity number).
 */
export interface DisclosureOrder {
  orderId: string;
  subject: string;
  /** The agency that holds the subject's identity (the binding's agency when ordered). */
  agency: string;
  recipient: string;
  legalBasis: string;
  caseReference: string;
  issued: number;
  validUntil: number;
  txId: string;
  fulfilment?: { time: number; height: number; txId: string; responseHash: string };
}

const ORDER_ID = /^[A-Za-z0-9_-]{8,64}$/;
const SHA256_B64URL = /^[A-Za-z0-9_-]{43}$/;
/** An order is acted on within 90 days or lapses (a new order can be made). */
export const MAX_ORDER_LIFETIME_MS = 90 * 24 * 3600 * 1000;
const orderKey = (orderId: string) => `disclosure/${orderId}`;

export function readDisclosureOrder(
  state: StateReader,
  orderId: string,
): DisclosureOrder | undefined {
  const raw = state.get(orderKey(orderId));
  return raw === undefined ? undefined : (JSON.parse(raw) as DisclosureOrder);
}

function orderIdField(value: unknown): string {
  ensure(
    typeof value === 'string' && ORDER_ID.test(value),
    ErrorCode.Malformed,
    'orderId must be 8-64 base64url characters',
  );
  return value;
}

/** Short text with no control characters and nothing shaped like a phone or identity number. */
function plainText(value: unknown, field: string, max: number): string {
  ensure(
    typeof value === 'string' && value.length > 0 && value.length <= max,
    ErrorCode.Malformed,
    `${field} must be a string of 1 to ${max} characters`,
  );
  ensure(!/[\p{Cc}\p{Cf}]/u.test(value), ErrorCode.Malformed, `${field} has control characters`);
  return noPersonalNumbers(value, field, 11);
}

/** disclosure.order: the regulator orders the subject's agency to identify them to a recipient. */
const order: TxHandler = (ctx) => {
  const p = payloadFields(ctx, [
    'orderId',
    'subject',
    'recipient',
    'legalBasis',
    'caseReference',
    'validUntil',
  ]);
  const orderId = orderIdField(p.orderId);
  ensure(typeof p.subject === 'string', ErrorCode.Malformed, 'subject must be a DID');
  const subject = parseDdiDid(p.subject);
  ensure(typeof p.recipient === 'string', ErrorCode.Malformed, 'recipient must be a DID');
  parseDdiDid(p.recipient);
  const legalBasis = plainText(p.legalBasis, 'legalBasis', 200);
  const caseReference = plainText(p.caseReference, 'caseReference', 100);
  ensure(
    Number.isSafeInteger(p.validUntil) &&
      (p.validUntil as number) > ctx.time &&
      (p.validUntil as number) <= ctx.time + MAX_ORDER_LIFETIME_MS,
    ErrorCode.Malformed,
    'validUntil must be a time (ms) in the next 90 days',
  );
  authorizeGovernance(ctx);
  ensure(!readDisclosureOrder(ctx.state, orderId), ErrorCode.Conflict, `order ${orderId} exists`);
  // The agency that verified *this* DID, even if the person has since moved to another one.
  const binding = realNameRegistrationOfDid(ctx.state, subject);
  if (!binding) throw new DdiError(ErrorCode.NotFound, `${subject} has no real-name registration`);
  const recipient = activeDidField(ctx, p.recipient, 'recipient');
  const record: DisclosureOrder = {
    orderId,
    subject,
    agency: binding.agency,
    recipient,
    legalBasis,
    caseReference,
    issued: ctx.time,
    validUntil: p.validUntil as number,
    txId: ctx.txId,
  };
  ctx.state.set(orderKey(orderId), JSON.stringify(record));
};

/** disclosure.fulfil: the ordered agency records that it answered, as a hash of the answer. */
const fulfil: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['orderId', 'responseHash']);
  const orderId = orderIdField(p.orderId);
  ensure(
    typeof p.responseHash === 'string' && SHA256_B64URL.test(p.responseHash),
    ErrorCode.Malformed,
    'responseHash must be a base64url SHA-256 (43 characters)',
  );
  const agency = authorizeAgency(ctx);
  const record = readDisclosureOrder(ctx.state, orderId);
  if (!record) throw new DdiError(ErrorCode.NotFound, `no disclosure order ${orderId}`);
  ensure(
    record.agency === agency,
    ErrorCode.Unauthorized,
    `order ${orderId} is addressed to ${record.agency}`,
  );
  ensure(!record.fulfilment, ErrorCode.Conflict, `order ${orderId} is already fulfilled`);
  ensure(ctx.time <= record.validUntil, ErrorCode.Unauthorized, `order ${orderId} has lapsed`);
  record.fulfilment = {
    time: ctx.time,
    height: ctx.height,
    txId: ctx.txId,
    responseHash: p.responseHash,
  };
  ctx.state.set(orderKey(orderId), JSON.stringify(record));
};

export const disclosureOrderRegistryHandlers: Record<string, TxHandler> = {
  'disclosure.order': order,
  'disclosure.fulfil': fulfil,
};
