import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { parseDdiDid } from '../../core/did/index.ts';
import { IDENTITY_COMMITMENT } from '../../core/identity/identity-commitment.ts';
import type { StateReader } from '../state/world-state.ts';
import type { TxContext, TxHandler } from './tx-context.ts';
import {
  activeDidField,
  authorizeDidSigner,
  nonceField,
  payloadFields,
  singleProof,
} from './authorization.ts';
import { checkAccreditation } from './trust-registry.ts';
import { readDidRecord } from './did-state.ts';

/**
 * Real-name bindings: "this DID is the primary DID of one verified person", as an accredited
 * identity verification agency attests it. The person appears only as a keyed commitment
 * (core/identity/identity-commitment.ts) that nobody without the agencies' network key can
 * test a guess against; names, numbers and birth dates stay in the agency's own store.
 *
 * One person, one primary DID across the network: a commitment bound to an active DID cannot
 * be bound again, at any agency. A person who lost their keys recovers the DID (did.recover
 * with the recovery key) and keeps the binding; only once the DID is deactivated may the
 * person bind a new one.
 */
export interface RealNameBinding {
  commitment: string;
  did: string;
  /** The agency that verified the person. */
  agency: string;
  registered: number;
  height: number;
  txId: string;
  /** DIDs the person held before, each deactivated when it was replaced. */
  previousDids: string[];
}

const byCommitmentKey = (commitment: string) => `realname/c/${commitment}`;
const byDidKey = (did: string) => `realname/d/${did}`;

export function readRealNameBinding(
  state: StateReader,
  commitment: string,
): RealNameBinding | undefined {
  const raw = state.get(byCommitmentKey(commitment));
  return raw === undefined ? undefined : (JSON.parse(raw) as RealNameBinding);
}

/** The binding of a DID, if it is some person's primary DID. */
export function realNameBindingOfDid(state: StateReader, did: string): RealNameBinding | undefined {
  const commitment = state.get(byDidKey(did));
  return commitment === undefined ? undefined : readRealNameBinding(state, commitment);
}

/** The signer, if it is an identity verification agency accredited now. */
export function authorizeAgency(ctx: TxContext): string {
  const agency = authorizeDidSigner(ctx, singleProof(ctx));
  const answer = checkAccreditation(ctx.state, {
    subject: agency,
    role: 'identityVerificationAgency',
    at: ctx.time,
  });
  if (!answer.accredited) {
    throw new DdiError(
      ErrorCode.Unauthorized,
      `${agency} is not an accredited identity verification agency (${answer.reason})`,
      { reason: answer.reason },
    );
  }
  return agency;
}

/** realname.register: an agency binds a person's commitment to their primary DID. */
const register: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['nonce', 'commitment', 'did']);
  // The id of a transaction is the hash of its body, not of its signer: the nonce keeps two
  // agencies' attempts (and retries) distinct, so a refusal says why instead of `replay`.
  nonceField(p.nonce);
  ensure(
    typeof p.commitment === 'string' && IDENTITY_COMMITMENT.test(p.commitment),
    ErrorCode.Malformed,
    'commitment must be 43 base64url characters (an HMAC-SHA-256)',
  );
  const commitment = p.commitment;
  ensure(typeof p.did === 'string', ErrorCode.Malformed, 'did must be a DID');
  parseDdiDid(p.did);
  const agency = authorizeAgency(ctx);
  const did = activeDidField(ctx, p.did, 'did');

  const existing = readRealNameBinding(ctx.state, commitment);
  if (existing) {
    if (existing.did === did) {
      throw new DdiError(ErrorCode.Conflict, `${did} is already this person's primary DID`);
    }
    const current = readDidRecord(ctx.state, existing.did);
    if (current && !current.deactivated) {
      throw new DdiError(
        ErrorCode.Conflict,
        'this person already has an active primary DID: recover it instead of registering another',
        { reason: 'alreadyRegistered' },
      );
    }
  }
  const other = ctx.state.get(byDidKey(did));
  if (other !== undefined) {
    throw new DdiError(ErrorCode.Conflict, `${did} is already the primary DID of another person`, {
      reason: 'didTaken',
    });
  }
  const binding: RealNameBinding = {
    commitment,
    did,
    agency,
    registered: ctx.time,
    height: ctx.height,
    txId: ctx.txId,
    previousDids: existing ? [...existing.previousDids, existing.did] : [],
  };
  ctx.state.set(byCommitmentKey(commitment), JSON.stringify(binding));
  ctx.state.set(byDidKey(did), commitment);
};

export const realNameRegistryHandlers: Record<string, TxHandler> = {
  'realname.register': register,
};
