import type { JsonObject } from '../jws/index.ts';
import { compileTemplateSchema } from '../../templates/credential-template.ts';
import type { CredentialTemplate } from '../../templates/credential-template.ts';
import { LruCache } from '../../cache/lru-cache.ts';

/**
 * Checks disclosed claims against the template. Selective disclosure means a holder shows a
 * part: `required` cannot hold for a presentation, so it is dropped (everywhere in the
 * schema) and every disclosed value is still checked against its property's rules.
 */
export function checkDisclosedClaims(
  template: CredentialTemplate,
  claims: JsonObject,
): { valid: true } | { valid: false; errors: Array<{ path: string; message: string }> } {
  // Registered templates are immutable (id@version never changes on the ledger), so the
  // relaxed validator is built once per version rather than per presentation.
  const key = `${template.id}@${template.version}`;
  let validate = relaxedValidators.get(key);
  if (!validate) {
    validate = compileTemplateSchema({
      ...template,
      id: `${template.id}.disclosed`,
      schema: withoutRequired(template.schema) as CredentialTemplate['schema'],
    });
    relaxedValidators.set(key, validate);
  }
  return validate(claims);
}

const relaxedValidators = new LruCache<string, ReturnType<typeof compileTemplateSchema>>(512);

function withoutRequired(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutRequired);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'required' || key === 'dependentRequired') continue;
    out[key] = withoutRequired(value);
  }
  return out;
}
