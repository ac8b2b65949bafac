import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, Options, ValidateFunction } from 'ajv/dist/2020.js';
import { canonicalJson } from '../encoding/canonical-json.ts';
import { DdiError, ErrorCode } from '../errors.ts';
import { LruCache } from '../cache/lru-cache.ts';

/**
 * A credential template: what an accredited issuer registers on the ledger so that every
 * credential of `credentialType` it signs has claims matching `schema`.
 *
 * Every node must reach the same verdict on the same template and claims, so the schema
 * language is fixed: JSON Schema 2020-12 as Ajv 8 (pinned in package.json) implements it in
 * strict mode, with no `format` support (ajv-formats is not installed, and formats such as
 * `email` or `date-time` differ between implementations), no remote references and no
 * state shared between templates. `pattern` runs on V8's backtracking RegExp engine, so a
 * template can carry a slow regular expression; vetting accredited issuers is the control.
 */
export interface CredentialTemplate {
  /** Reverse-DNS-like name, e.g. `cn.edu.example.degree`. */
  id: string;
  /** Starts at 1; a new version is a new registration. */
  version: number;
  /** The VC type the template issues, e.g. `UniversityDegreeCredential`. */
  credentialType: string;
  /** JSON Schema 2020-12 of the credential subject's claims; top-level `type: "object"`. */
  schema: Record<string, unknown>;
  display: { 'zh-CN': TemplateDisplayText; en: TemplateDisplayText };
}

export interface TemplateDisplayText {
  name: string;
  description?: string;
}

export interface ClaimError {
  /** JSON Pointer into the claims ("" is the claims object itself). */
  path: string;
  message: string;
}

export type ClaimsCheck = { valid: true } | { valid: false; errors: ClaimError[] };

export type ClaimsValidator = (claims: unknown) => ClaimsCheck;

/** The only `$schema` a template schema may declare. */
export const TEMPLATE_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
/** Upper bound on the RFC 8785 canonical form of a template schema, in bytes. */
export const MAX_TEMPLATE_SCHEMA_BYTES = 32 * 1024;

const TEMPLATE_ID = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
const MAX_TEMPLATE_ID_LENGTH = 100;
const CREDENTIAL_TYPE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const MAX_NAME_LENGTH = 100;
const MAX_DESCRIPTION_LENGTH = 500;
// Bounds recursion in the checks below (and in Ajv and canonicalization after them): a
// 32 KiB schema could otherwise nest thousands of levels deep.
const MAX_SCHEMA_DEPTH = 64;
const DISPLAY_LANGUAGES = ['zh-CN', 'en'] as const;
const TEMPLATE_FIELDS = ['id', 'version', 'credentialType', 'schema', 'display'];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True if `text` has a C0/C1 control character (other than `allowed`) or a lone surrogate. */
function hasForbiddenCharacter(text: string, allowed: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if ((code < 0x20 || (code >= 0x7f && code <= 0x9f)) && !allowed.includes(char)) return true;
  }
  // RFC 8785 canonical JSON, which ddi hashes and signs, cannot carry lone surrogates.
  return LONE_SURROGATE.test(text);
}

function fail(field: string, message: string, details: Record<string, unknown> = {}): never {
  throw new DdiError(ErrorCode.Malformed, `credential template: ${field} ${message}`, {
    field,
    ...details,
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function checkFields(value: Record<string, unknown>, allowed: readonly string[], at: string) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(at ? `${at}.${key}` : key, 'is not a known field');
  }
}

function checkText(value: unknown, field: string, max: number, allowed = ''): string {
  if (typeof value !== 'string') fail(field, 'must be a string');
  if (value.trim() === '') fail(field, 'must not be empty');
  if ([...value].length > max) fail(field, `must be at most ${max} characters`);
  if (hasForbiddenCharacter(value, allowed)) {
    fail(field, 'contains a control character or a lone surrogate');
  }
  return value;
}

function checkDisplay(value: unknown): CredentialTemplate['display'] {
  if (!isPlainObject(value)) fail('display', 'must be an object');
  checkFields(value, DISPLAY_LANGUAGES, 'display');
  const texts: Partial<CredentialTemplate['display']> = {};
  for (const language of DISPLAY_LANGUAGES) {
    const field = `display.${language}`;
    const entry = value[language];
    if (entry === undefined) fail(field, 'is required');
    if (!isPlainObject(entry)) fail(field, 'must be an object');
    checkFields(entry, ['name', 'description'], field);
    const text: TemplateDisplayText = {
      name: checkText(entry.name, `${field}.name`, MAX_NAME_LENGTH),
    };
    if (entry.description !== undefined) {
      text.description = checkText(
        entry.description,
        `${field}.description`,
        MAX_DESCRIPTION_LENGTH,
        // Descriptions may be paragraphs.
        '\n\t',
      );
    }
    texts[language] = text;
  }
  return texts as CredentialTemplate['display'];
}

function checkDepth(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_SCHEMA_DEPTH) {
    fail('schema', `is nested deeper than ${MAX_SCHEMA_DEPTH} levels`, { reason: 'depth' });
  }
  for (const item of Object.values(value)) checkDepth(item, depth + 1);
}

// Keywords whose values are subschemas (JSON Schema 2020-12 core and applicator vocabularies,
// plus the draft-07 spellings Ajv2020 still accepts). Values of other keywords (`const`,
// `enum`, `default`, `examples`, ...) are data, where "$ref" is only a property name.
const SUBSCHEMA = new Set([
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'propertyNames',
  'contains',
  'items',
  'additionalItems',
  'not',
  'if',
  'then',
  'else',
]);
const SUBSCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);
const SUBSCHEMA_MAP = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
  'dependencies',
]);

// An absolute URI ("https:", "urn:") or a network-path reference ("//host/...").
const REMOTE = /^(?:[A-Za-z][A-Za-z0-9+.-]*:|\/\/)/;

function pointer(path: string, key: string): string {
  return `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/**
 * Rejects references that leave the schema: only `#...` fragments may be referenced, and
 * no `$id` may name a remote resource. Ajv would not fetch anything (compile is synchronous
 * and the instance knows no other schemas), but a clear error beats "can't resolve".
 */
function checkReferences(schema: unknown, path: string): void {
  if (!isPlainObject(schema)) return;
  for (const keyword of ['$ref', '$dynamicRef']) {
    const ref = schema[keyword];
    if (ref !== undefined && (typeof ref !== 'string' || !ref.startsWith('#'))) {
      fail('schema', `${keyword} at ${pointer(path, keyword)} must be a local "#..." reference`, {
        reason: 'remoteRef',
        path: pointer(path, keyword),
      });
    }
  }
  const id = schema.$id;
  if (typeof id === 'string' && REMOTE.test(id)) {
    fail('schema', `$id at ${pointer(path, '$id')} must not name a remote resource`, {
      reason: 'remoteId',
      path: pointer(path, '$id'),
    });
  }
  for (const [keyword, value] of Object.entries(schema)) {
    const at = pointer(path, keyword);
    if (SUBSCHEMA_LIST.has(keyword) && Array.isArray(value)) {
      value.forEach((item, i) => checkReferences(item, `${at}/${i}`));
    } else if (SUBSCHEMA_MAP.has(keyword) && isPlainObject(value)) {
      for (const [name, item] of Object.entries(value)) checkReferences(item, pointer(at, name));
    } else if (SUBSCHEMA.has(keyword)) {
      checkReferences(value, at);
    }
  }
}

const AJV_OPTIONS: Options = {
  // Unknown keywords, ambiguous types, `required` names without `properties` and loose
  // tuples are errors: a typo in a template must not silently accept everything.
  strict: true,
  allowUnionTypes: true,
  // Claims are checked, never changed.
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
  // Issuers fixing claims want every problem at once. The cost is bounded by the schema
  // limits above and by the claims' own size.
  allErrors: true,
};

// Validates template schemas against the 2020-12 meta-schema. `validateSchema` registers
// nothing, so sharing this instance cannot make one template's verdict depend on another.
let metaValidator: Ajv2020 | undefined;

/**
 * Compiles in a fresh instance without meta-schemas: Ajv records every `$id` it compiles in
 * its instance, so a shared instance would let templates see (and clash with) each other.
 * Creating one costs about 0.2 ms; compiling the meta-schema would cost 7 ms, so that happens
 * once, in `metaValidator`.
 */
function compile(schema: Record<string, unknown>): ValidateFunction {
  metaValidator ??= new Ajv2020({ strict: true });
  if (!metaValidator.validateSchema(schema)) {
    const reasons = (metaValidator.errors ?? [])
      .slice(0, 3)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
      .join('; ');
    fail('schema', `is not a valid JSON Schema 2020-12 schema: ${reasons}`, { reason: 'invalid' });
  }
  try {
    return new Ajv2020({ ...AJV_OPTIONS, meta: false, validateSchema: false }).compile(schema);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail('schema', `does not compile: ${message}`, { reason: 'compile' });
  }
}

interface CheckedSchema {
  /** A copy of the schema, parsed back from its canonical JSON. */
  schema: Record<string, unknown>;
  text: string;
  validate: ValidateFunction;
}

function checkSchema(value: unknown): CheckedSchema {
  if (!isPlainObject(value)) fail('schema', 'must be a JSON Schema object');
  checkDepth(value, 0);
  let text: string;
  try {
    text = canonicalJson(value);
  } catch (error) {
    if (!(error instanceof DdiError)) throw error;
    return fail('schema', `is not JSON: ${error.message}`, { reason: 'notJson' });
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_TEMPLATE_SCHEMA_BYTES) {
    throw new DdiError(
      ErrorCode.TooLarge,
      `credential template: schema is ${bytes} bytes as canonical JSON, at most ${MAX_TEMPLATE_SCHEMA_BYTES} allowed`,
      { field: 'schema', bytes, limit: MAX_TEMPLATE_SCHEMA_BYTES },
    );
  }
  // Work on a copy: later changes to the caller's object cannot reach the checked schema.
  const schema = JSON.parse(text) as Record<string, unknown>;
  if (schema.$schema !== undefined && schema.$schema !== TEMPLATE_SCHEMA_DIALECT) {
    fail('schema', `$schema must be absent or "${TEMPLATE_SCHEMA_DIALECT}"`, {
      reason: 'dialect',
    });
  }
  if (schema.type !== 'object') {
    fail('schema', 'must have type "object" at the top level', { reason: 'notObject' });
  }
  checkReferences(schema, '#');
  return { schema, text, validate: compile(schema) };
}

/**
 * Checks a template definition and returns a clean copy; throws DdiError `malformed` with
 * `details.field` (and `tooLarge` for a schema over MAX_TEMPLATE_SCHEMA_BYTES).
 */
export function validateTemplateDefinition(input: unknown): CredentialTemplate {
  if (!isPlainObject(input)) fail('definition', 'must be an object');
  checkFields(input, TEMPLATE_FIELDS, '');
  const { id, version, credentialType } = input;
  if (typeof id !== 'string') fail('id', 'must be a string');
  if (id.length > MAX_TEMPLATE_ID_LENGTH) {
    fail('id', `must be at most ${MAX_TEMPLATE_ID_LENGTH} characters`);
  }
  if (!TEMPLATE_ID.test(id)) {
    fail('id', 'must be lowercase letters and digits separated by single ".", "_" or "-"');
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    fail('version', 'must be a positive integer');
  }
  if (typeof credentialType !== 'string' || !CREDENTIAL_TYPE.test(credentialType)) {
    fail('credentialType', 'must be a letter followed by up to 63 letters or digits');
  }
  if (credentialType === 'VerifiableCredential') {
    // Every credential has this type already; a template must name what it adds.
    fail('credentialType', 'must be more specific than "VerifiableCredential"');
  }
  if (input.schema === undefined) fail('schema', 'is required');
  const { schema } = checkSchema(input.schema);
  if (input.display === undefined) fail('display', 'is required');
  const display = checkDisplay(input.display);
  return { id, version, credentialType, schema, display };
}

interface CacheEntry {
  text: string;
  validate: ClaimsValidator;
}

// Keyed by id@version, but an entry is used only if its schema is the same JSON: a node can
// see a competing definition under the same id and version before the ledger rejects it.
const validators = new LruCache<string, CacheEntry>(256);

function claimError(error: ErrorObject): ClaimError {
  let path = error.instancePath;
  // Point at the missing or unexpected property, not at the object that holds it.
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const property = params.missingProperty ?? params.additionalProperty;
  if (property !== undefined) path = pointer(path, property);
  return { path, message: error.message ?? `fails ${error.keyword}` };
}

/**
 * The claims validator of a template's schema, compiled once per template id, version and
 * schema; throws like `validateTemplateDefinition` if the schema breaks its rules.
 */
export function compileTemplateSchema(template: CredentialTemplate): ClaimsValidator {
  const key = `${template.id}@${template.version}`;
  const text = canonicalJson(template.schema);
  const cached = validators.get(key);
  if (cached && cached.text === text) return cached.validate;
  // Every rule of validateTemplateDefinition applies here too, whatever the caller checked.
  const ajvValidate = checkSchema(template.schema).validate;
  const validate: ClaimsValidator = (claims) => {
    if (ajvValidate(claims)) return { valid: true };
    return { valid: false, errors: (ajvValidate.errors ?? []).map(claimError) };
  };
  validators.set(key, { text, validate });
  return validate;
}
