import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { publicKeyFromMultibase } from '../../core/keys/index.ts';
import type { StateReader } from '../state/world-state.ts';
import type { TxHandler } from './tx-context.ts';
import { nonceField, payloadFields } from './authorization.ts';
import { authorizeGovernance } from './governance-registry.ts';

/**
 * The operator set: the node keys whose signatures on block headers count, and so the
 * quorum. The genesis names the first set; the regulator admits and removes operators with
 * governance transactions. A change made in block h applies from block h + 1, so every node
 * agrees which set signs which block — and a node can check old blocks after a restart.
 */
export interface OperatorSet {
  history: Array<{
    fromHeight: number;
    operators: Array<{ name: string; publicKeyMultibase: string }>;
  }>;
}

export const OPERATOR_SET_STATE_KEY = 'ops/set';

export function readOperatorSet(state: StateReader): OperatorSet {
  const raw = state.get(OPERATOR_SET_STATE_KEY);
  if (raw === undefined) throw new DdiError(ErrorCode.Internal, 'no operator set in state');
  return JSON.parse(raw) as OperatorSet;
}

/** The operators (Multikeys) whose signatures count for the block at `height`. */
export function operatorsAt(set: OperatorSet, height: number): string[] {
  let current = set.history[0]!.operators;
  for (const entry of set.history) if (entry.fromHeight <= height) current = entry.operators;
  return current.map((o) => o.publicKeyMultibase);
}

function current(set: OperatorSet): Array<{ name: string; publicKeyMultibase: string }> {
  return set.history.at(-1)!.operators;
}

/** gov.admitOperator: adds a node key to the set, from the next block on. */
const admit: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['nonce', 'name', 'nodeKey']);
  nonceField(p.nonce);
  ensure(
    typeof p.name === 'string' && /^[A-Za-z0-9 ._-]{1,64}$/.test(p.name),
    ErrorCode.Malformed,
    'name must be 1-64 plain characters',
  );
  ensure(typeof p.nodeKey === 'string', ErrorCode.Malformed, 'nodeKey must be a Multikey');
  publicKeyFromMultibase(p.nodeKey);
  authorizeGovernance(ctx);
  const set = readOperatorSet(ctx.state);
  const operators = current(set);
  ensure(
    !operators.some((o) => o.publicKeyMultibase === p.nodeKey),
    ErrorCode.Conflict,
    'this node key is already an operator',
  );
  set.history.push({
    fromHeight: ctx.height + 1,
    operators: [...operators, { name: p.name, publicKeyMultibase: p.nodeKey }],
  });
  ctx.state.set(OPERATOR_SET_STATE_KEY, JSON.stringify(set));
};

/** gov.removeOperator: takes a node key out of the set, from the next block on. */
const remove: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['nonce', 'nodeKey', 'reason']);
  nonceField(p.nonce);
  ensure(typeof p.nodeKey === 'string', ErrorCode.Malformed, 'nodeKey must be a Multikey');
  authorizeGovernance(ctx);
  const set = readOperatorSet(ctx.state);
  const operators = current(set);
  ensure(
    operators.some((o) => o.publicKeyMultibase === p.nodeKey),
    ErrorCode.NotFound,
    'this node key is not an operator',
  );
  ensure(operators.length > 1, ErrorCode.Conflict, 'the last operator cannot be removed');
  set.history.push({
    fromHeight: ctx.height + 1,
    operators: operators.filter((o) => o.publicKeyMultibase !== p.nodeKey),
  });
  ctx.state.set(OPERATOR_SET_STATE_KEY, JSON.stringify(set));
};

export const operatorRegistryHandlers: Record<string, TxHandler> = {
  'gov.admitOperator': admit,
  'gov.removeOperator': remove,
};
