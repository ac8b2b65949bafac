import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import type { TemplateRecord } from '../../ledger/registries/template-registry.ts';
import { readTemplate } from '../../ledger/registries/template-registry.ts';
import { integerInput } from './query-input.ts';

/** A registered credential template: the latest version, or `version`; `notFound` otherwise. */
export function templateRecord(ledger: Ledger, id: string, version?: number): TemplateRecord {
  // The ledger's rule for template ids (core/templates): anything else was never registered.
  if (typeof id !== 'string' || id.length > 100 || !/^[a-z0-9]+([._-][a-z0-9]+)*$/.test(id)) {
    throw new DdiError(
      ErrorCode.Malformed,
      'a template id is lowercase letters and digits separated by single ".", "_" or "-"',
      { field: 'id' },
    );
  }
  const v = version === undefined ? undefined : integerInput(version, 'version', 1);
  const record = readTemplate(ledger.state, id, v);
  if (!record) {
    throw new DdiError(
      ErrorCode.NotFound,
      v === undefined ? `no template ${id}` : `template ${id} has no version ${v}`,
    );
  }
  return record;
}
