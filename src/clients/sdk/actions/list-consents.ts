import type { ConsentPage } from '../../../services/registry-queries/consent-query.ts';
import type { Transport } from '../transport.ts';

export interface ListConsentsQuery {
  /** The grants this DID made… */
  grantor?: string;
  /** …or those it received (give one of the two). */
  grantee?: string;
  /** Grants per page (default 50, at most 200). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: number;
}

/** A page of a DID's grants, newest first. */
export function listConsents(transport: Transport, query: ListConsentsQuery): Promise<ConsentPage> {
  return transport.listConsents(query);
}
