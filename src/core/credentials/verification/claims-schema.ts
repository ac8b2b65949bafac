import type { JsonObject } from '../jws/index.ts';
import { compileTemplateSchema } from '../../templates/credential-template.ts';
import type { CredentialTemplate } from '../../templates/credential-template.ts';

/**
 * Checks disclosed claims against the template. Selective disclosure means a holder shows a
 * part: `required` cannot hold for a presentation, so it is dropped (everywhere in the
 * schema) and every disclosed value is still checked against its property's rules.
 */
export function checkDisclosedClaims(
  template: CredentialTemplate,
  claims: JsonObject,
): { valid: true } | { valid: false; errors: Array<{ path: string; message: string }> } {
  const relaxed: CredentialTemplate = {
    ...template,
    id: `${template.id}.disclosed`,
    schema: withoutRequired(template.schema) as CredentialTemplate['schema'],
  };
  return compileTemplateSchema(relaxed)(claims);
}

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
