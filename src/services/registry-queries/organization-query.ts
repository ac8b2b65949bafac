import { DdiError, ErrorCode } from '../../core/errors.ts';
import { validateUscc } from '../../core/org/unified-social-credit-code.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import type { OrganizationRecord } from '../../ledger/registries/organization-registry.ts';
import {
  organizationOfDid,
  readOrganization,
} from '../../ledger/registries/organization-registry.ts';
import { didInput } from './query-input.ts';

/** An organization by its unified social credit code; `notFound` if it was never registered. */
export function organizationByCode(ledger: Ledger, uscc: string): OrganizationRecord {
  const code = validateUscc(uscc);
  const record = readOrganization(ledger.state, code);
  if (!record) throw new DdiError(ErrorCode.NotFound, `no organization ${code}`);
  return record;
}

/** The organization whose primary DID this is; `notFound` if it is none's. */
export function organizationByDid(ledger: Ledger, did: string): OrganizationRecord {
  const subject = didInput(did, 'did');
  const record = organizationOfDid(ledger.state, subject);
  if (!record) {
    throw new DdiError(ErrorCode.NotFound, `${subject} is not the primary DID of an organization`);
  }
  return record;
}
