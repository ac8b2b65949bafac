import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import type { ApplicationStanding } from '../../ledger/registries/application-registry.ts';
import { applicationStanding } from '../../ledger/registries/application-registry.ts';
import { didInput } from './query-input.ts';

/**
 * A registered application with its standing now: may it sign people in, and if not, why
 * (suspended, DID deactivated, not accredited where required). `notFound` if never registered.
 */
export function applicationByDid(ledger: Ledger, did: string): ApplicationStanding {
  const subject = didInput(did, 'did');
  const standing = applicationStanding(ledger.state, subject, Date.now());
  if (!standing) {
    throw new DdiError(ErrorCode.NotFound, `${subject} is not a registered application`, {
      reason: 'unregisteredApplication',
    });
  }
  return standing;
}
