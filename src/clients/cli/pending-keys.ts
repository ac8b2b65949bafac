import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { Keystore } from '../keystore/keystore.ts';
import type { CliContext } from './context.ts';

// With these the transaction may still have been committed: keep the keys.
const OUTCOME_UNKNOWN = new Set<string>([
  ErrorCode.Timeout,
  ErrorCode.Unavailable,
  ErrorCode.Internal,
]);

/**
 * Saves freshly generated keys *before* the transaction that publishes them is sent, so a
 * crash after the commit can never lose a key the ledger now names (above all a next
 * recovery key). If the node definitely refused the transaction, `undo` removes them again.
 */
export async function withKeysSavedFirst<T>(
  ctx: CliContext,
  store: Keystore,
  undo: () => void,
  submit: () => Promise<T>,
): Promise<T> {
  ctx.saveKeystore(store);
  try {
    return await submit();
  } catch (err) {
    if (err instanceof DdiError && !OUTCOME_UNKNOWN.has(err.code)) {
      undo();
      store.save();
    } else {
      ctx.note(
        'the outcome is unknown: the new keys stay in the keystore; check with `ddi tx status`',
      );
    }
    throw err;
  }
}
