import { DdiError, ErrorCode } from '../../core/errors.ts';
import { IDENTITY_COMMITMENT } from '../../core/identity/identity-commitment.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import type {
  RealNameBinding,
  RealNameRegistration,
} from '../../ledger/registries/real-name-registry.ts';
import {
  readRealNameBinding,
  realNameRegistrationOfDid,
} from '../../ledger/registries/real-name-registry.ts';
import type { DisclosureOrder } from '../../ledger/registries/disclosure-order-registry.ts';
import { readDisclosureOrder } from '../../ledger/registries/disclosure-order-registry.ts';
import { didInput } from './query-input.ts';

/** The binding of a keyed commitment; `notFound` if that person has no primary DID. */
export function realNameBindingByCommitment(ledger: Ledger, commitment: string): RealNameBinding {
  if (!IDENTITY_COMMITMENT.test(commitment)) {
    throw new DdiError(ErrorCode.Malformed, 'commitment must be 43 base64url characters', {
      field: 'commitment',
    });
  }
  const binding = readRealNameBinding(ledger.state, commitment);
  if (!binding) throw new DdiError(ErrorCode.NotFound, 'no real-name binding for this commitment');
  return binding;
}

/** A DID's real-name registration (current or ended); `notFound` if it never had one. */
export function realNameRegistrationByDid(ledger: Ledger, did: string): RealNameRegistration {
  const subject = didInput(did, 'did');
  const binding = realNameRegistrationOfDid(ledger.state, subject);
  if (!binding) throw new DdiError(ErrorCode.NotFound, `${subject} has no real-name registration`);
  return binding;
}

/** A disclosure order by id; `notFound` if there is none. */
export function disclosureOrderById(ledger: Ledger, orderId: string): DisclosureOrder {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(orderId)) {
    throw new DdiError(ErrorCode.Malformed, 'orderId must be 8-64 base64url characters', {
      field: 'orderId',
    });
  }
  const order = readDisclosureOrder(ledger.state, orderId);
  if (!order) throw new DdiError(ErrorCode.NotFound, `no disclosure order ${orderId}`);
  return order;
}
