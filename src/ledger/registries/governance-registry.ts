import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { publicKeyFromMultibase } from '../../core/keys/index.ts';
import { isDdiDid, parseDidUrl } from '../../core/did/index.ts';
import type { StateReader } from '../state/world-state.ts';
import type { TxContext, TxHandler } from './tx-context.ts';
import { payloadFields, previousVersionField } from './authorization.ts';

/**
 * The regulator's governance: M-of-N keys that sign every governance transaction
 * (accrediting, suspending, blocklisting, changing these keys). The regulator's DID is
 * its public identity; the governance keys are held apart from its DID document so that
 * no single key, and no ordinary DID update, can act for the regulator.
 */
export interface GovernanceConfig {
  regulator: string;
  threshold: number;
  keys: Array<{ id: string; publicKeyMultibase: string }>;
  version: number;
}

export const GOVERNANCE_STATE_KEY = 'gov/config';
const MAX_GOVERNANCE_KEYS = 16;

/** Reads the governance configuration (present from block 0 on). */
export function readGovernance(state: StateReader): GovernanceConfig {
  const raw = state.get(GOVERNANCE_STATE_KEY);
  if (raw === undefined)
    throw new DdiError(ErrorCode.Internal, 'no governance configuration in state');
  return JSON.parse(raw) as GovernanceConfig;
}

/** Checks untrusted governance settings (genesis or gov.setGovernance). */
export function validateGovernanceSettings(value: {
  regulator?: unknown;
  threshold?: unknown;
  keys?: unknown;
}): Omit<GovernanceConfig, 'version'> {
  ensure(
    typeof value.regulator === 'string' && isDdiDid(value.regulator),
    ErrorCode.Malformed,
    'regulator must be a did:ddi DID',
  );
  const keys = value.keys;
  ensure(
    Array.isArray(keys) && keys.length > 0 && keys.length <= MAX_GOVERNANCE_KEYS,
    ErrorCode.Malformed,
    `governance needs 1..${MAX_GOVERNANCE_KEYS} keys`,
  );
  const ids = new Set<string>();
  const multikeys = new Set<string>();
  for (const key of keys as Array<Record<string, unknown>>) {
    ensure(
      typeof key?.id === 'string' &&
        /^[A-Za-z0-9._-]{1,64}$/.test(key.id) &&
        typeof key.publicKeyMultibase === 'string',
      ErrorCode.Malformed,
      'governance keys are {id, publicKeyMultibase}',
    );
    publicKeyFromMultibase(key.publicKeyMultibase);
    ensure(
      !ids.has(key.id) && !multikeys.has(key.publicKeyMultibase),
      ErrorCode.Malformed,
      'governance keys must be distinct',
    );
    ids.add(key.id);
    multikeys.add(key.publicKeyMultibase);
  }
  const threshold = value.threshold;
  ensure(
    Number.isSafeInteger(threshold) &&
      (threshold as number) >= 1 &&
      (threshold as number) <= keys.length,
    ErrorCode.Malformed,
    'threshold must be between 1 and the number of governance keys',
  );
  return {
    regulator: value.regulator,
    threshold: threshold as number,
    keys: (keys as Array<{ id: string; publicKeyMultibase: string }>).map((k) => ({
      id: k.id,
      publicKeyMultibase: k.publicKeyMultibase,
    })),
  };
}

/** True if the transaction's proofs are meant as governance signatures (kid = regulator#<governance key id>). */
export function isGovernanceSigned(ctx: TxContext): boolean {
  const config = readGovernance(ctx.state);
  return ctx.tx.proofs.some((p) => {
    try {
      const url = parseDidUrl(p.kid);
      return url.did === config.regulator && config.keys.some((k) => k.id === url.fragment);
    } catch {
      return false;
    }
  });
}

/**
 * Authorizes a governance transaction: at least `threshold` distinct governance keys
 * signed it. Every proof must be a valid governance signature — a bad one is an error,
 * not ignored. Fewer valid signers than the threshold is `unauthorized`.
 */
export function authorizeGovernance(ctx: TxContext): GovernanceConfig {
  const config = readGovernance(ctx.state);
  const signers = new Set<string>();
  for (const proof of ctx.tx.proofs) {
    const url = parseDidUrl(proof.kid);
    const key = config.keys.find((k) => k.id === url.fragment);
    if (url.did !== config.regulator || !key) {
      throw new DdiError(
        ErrorCode.UnknownKey,
        `${proof.kid} is not a governance key of the regulator`,
      );
    }
    ensure(!signers.has(key.id), ErrorCode.Malformed, `governance key ${key.id} signed twice`);
    const decoded = publicKeyFromMultibase(key.publicKeyMultibase);
    ensure(
      ctx.signatures.check(ctx.tx, ctx.txId, proof, decoded.type, decoded.publicKey),
      ErrorCode.BadSignature,
      `governance signature by ${proof.kid} does not verify`,
    );
    signers.add(key.id);
  }
  if (signers.size < config.threshold) {
    throw new DdiError(
      ErrorCode.Unauthorized,
      `governance needs ${config.threshold} of ${config.keys.length} regulator signatures; this has ${signers.size}`,
      { threshold: config.threshold, signatures: signers.size },
    );
  }
  return config;
}

/** gov.setGovernance: new keys and/or threshold, signed by the current threshold. */
const setGovernance: TxHandler = (ctx) => {
  const payload = payloadFields(ctx, ['previousVersion', 'threshold', 'keys']);
  const current = authorizeGovernance(ctx);
  previousVersionField(payload.previousVersion, current.version, 'governance');
  const next = validateGovernanceSettings({
    regulator: current.regulator,
    threshold: payload.threshold,
    keys: payload.keys,
  });
  ctx.state.set(GOVERNANCE_STATE_KEY, JSON.stringify({ ...next, version: current.version + 1 }));
};

export const governanceRegistryHandlers: Record<string, TxHandler> = {
  'gov.setGovernance': setGovernance,
};
