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
 * Two records, so that a person's DIDs are not linkable through the ledger:
 * - by commitment: the person's *current* primary DID, its agency and assurance — what
 *   agencies consult for uniqueness;
 * - by DID: that DID was registered by this agency at this assurance (and when it ended) —
 *   what verifiers and disclosure orders consult. It names no commitment, so an old DID and
 *   the person's new one cannot be tied together by reading the ledger.
 *
 * One person, one primary DID across the network: a commitment bound to an active DID cannot
 * be bound again at the same or a lower assurance, at any agency. A person who lost their
 * keys recovers the DID (did.recover) and keeps the binding; after the DID is deactivated
 * they may bind a new one. A registration at a **higher** assurance replaces a binding: the
 * remedy against someone who registered a stolen identity at a format-only agency.
 */
export type Assurance = 'low' | 'substantial' | 'high';
export const ASSURANCE_ORDER: readonly Assurance[] = ['low', 'substantial', 'high'];

export interface RealNameBinding {
  commitment: string;
  did: string;
  /** The agency that verified the person. */
  agency: string;
  assurance: Assurance;
  registered: number;
  height: number;
  txId: string;
}

/** A DID's own real-name registration (no commitment: DIDs of one person stay unlinkable). */
export interface RealNameRegistration {
  did: string;
  agency: string;
  assurance: Assurance;
  registered: number;
  height: number;
  txId: string;
  /** Set once the person's binding moved to another DID. */
  ended?: { time: number; reason: 'deactivated' | 'superseded' };
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

/** The real-name registration of a DID (current or ended), if it ever had one. */
export function realNameRegistrationOfDid(
  state: StateReader,
  did: string,
): RealNameRegistration | undefined {
  const raw = state.get(byDidKey(did));
  return raw === undefined ? undefined : (JSON.parse(raw) as RealNameRegistration);
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

const rank = (a: Assurance) => ASSURANCE_ORDER.indexOf(a);

/** realname.register: an agency binds a person's commitment to their primary DID. */
const register: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['nonce', 'commitment', 'did', 'assurance']);
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
  ensure(
    ASSURANCE_ORDER.includes(p.assurance as Assurance),
    ErrorCode.Malformed,
    `assurance must be one of ${ASSURANCE_ORDER.join(', ')}`,
  );
  const assurance = p.assurance as Assurance;
  const agency = authorizeAgency(ctx);
  const did = activeDidField(ctx, p.did, 'did');

  const existing = readRealNameBinding(ctx.state, commitment);
  let ended: RealNameRegistration['ended'] | undefined;
  if (existing) {
    if (existing.did === did) {
      throw new DdiError(ErrorCode.Conflict, `${did} is already this person's primary DID`);
    }
    const current = readDidRecord(ctx.state, existing.did);
    if (current && !current.deactivated) {
      if (rank(assurance) <= rank(existing.assurance)) {
        throw new DdiError(
          ErrorCode.Conflict,
          'this person already has an active primary DID: recover it instead of registering another',
          { reason: 'alreadyRegistered' },
        );
      }
      ended = { time: ctx.time, reason: 'superseded' };
    } else {
      ended = { time: ctx.time, reason: 'deactivated' };
    }
  }
  const taken = realNameRegistrationOfDid(ctx.state, did);
  if (taken) {
    throw new DdiError(ErrorCode.Conflict, `${did} is already registered to a person`, {
      reason: 'didTaken',
    });
  }
  if (existing && ended) {
    const previous = realNameRegistrationOfDid(ctx.state, existing.did);
    if (previous) ctx.state.set(byDidKey(existing.did), JSON.stringify({ ...previous, ended }));
  }
  const at = { registered: ctx.time, height: ctx.height, txId: ctx.txId };
  const binding: RealNameBinding = { commitment, did, agency, assurance, ...at };
  const registration: RealNameRegistration = { did, agency, assurance, ...at };
  ctx.state.set(byCommitmentKey(commitment), JSON.stringify(binding));
  ctx.state.set(byDidKey(did), JSON.stringify(registration));
};

export const realNameRegistryHandlers: Record<string, TxHandler> = {
  'realname.register': register,
};
