import { describe, expect, it } from 'vitest';
import { DdiError } from '../../../src/core/errors.ts';
import {
  compileTemplateSchema,
  MAX_TEMPLATE_SCHEMA_BYTES,
  TEMPLATE_SCHEMA_DIALECT,
  validateTemplateDefinition,
} from '../../../src/core/templates/credential-template.ts';
import type { CredentialTemplate } from '../../../src/core/templates/credential-template.ts';

function degreeTemplate(): Record<string, unknown> {
  return {
    id: 'cn.edu.example.degree',
    version: 1,
    credentialType: 'UniversityDegreeCredential',
    schema: {
      $schema: TEMPLATE_SCHEMA_DIALECT,
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100 },
        degree: {
          type: 'object',
          properties: {
            type: { enum: ['BachelorDegree', 'MasterDegree', 'DoctoralDegree'] },
            major: { type: 'string' },
          },
          required: ['type', 'major'],
          additionalProperties: false,
        },
        graduationYear: { type: 'integer', minimum: 1900, maximum: 2100 },
        honours: { type: 'array', items: { $ref: '#/$defs/honour' }, uniqueItems: true },
      },
      required: ['name', 'degree'],
      additionalProperties: false,
      $defs: { honour: { type: 'string', pattern: '^[A-Za-z ]+$' } },
    },
    display: {
      'zh-CN': { name: '学位证书', description: '高等学校授予的学位。' },
      en: { name: 'University degree', description: 'A degree awarded by a university.' },
    },
  };
}

function with_(patch: (template: Record<string, unknown>) => void): Record<string, unknown> {
  const template = degreeTemplate();
  patch(template);
  return template;
}

function schemaOf(template: Record<string, unknown>): Record<string, unknown> {
  return template.schema as Record<string, unknown>;
}

function failure(input: unknown): DdiError {
  try {
    validateTemplateDefinition(input);
  } catch (error) {
    if (error instanceof DdiError) return error;
    throw error;
  }
  throw new Error('expected the definition to be rejected');
}

describe('validateTemplateDefinition', () => {
  it('accepts a template with zh-CN and en display text and returns a copy', () => {
    const input = degreeTemplate();
    const template = validateTemplateDefinition(input);
    expect(template).toEqual(input);
    expect(template.display['zh-CN'].name).toBe('学位证书');
    // Changing the caller's object afterwards cannot change what was checked.
    schemaOf(input).type = 'string';
    expect(template.schema.type).toBe('object');
  });

  it('accepts a minimal template without $schema or descriptions', () => {
    const template = validateTemplateDefinition({
      id: 'gov.example.license-v2',
      version: 7,
      credentialType: 'BusinessLicense',
      schema: { type: 'object' },
      display: { 'zh-CN': { name: '营业执照' }, en: { name: 'Business licence' } },
    });
    expect(template.version).toBe(7);
    expect(template.display.en.description).toBeUndefined();
  });

  it.each<[string, (t: Record<string, unknown>) => void]>([
    ['id', (t) => (t.id = 'Cn.edu.example')],
    ['id', (t) => (t.id = 'cn..edu')],
    ['id', (t) => (t.id = '.cn.edu')],
    ['id', (t) => (t.id = 'cn.edu.')],
    ['id', (t) => (t.id = 'cn edu')],
    ['id', (t) => (t.id = '')],
    ['id', (t) => (t.id = 'a'.repeat(101))],
    ['id', (t) => (t.id = 42)],
    ['id', (t) => delete t.id],
    ['version', (t) => (t.version = 0)],
    ['version', (t) => (t.version = -1)],
    ['version', (t) => (t.version = 1.5)],
    ['version', (t) => (t.version = '1')],
    ['version', (t) => (t.version = Number.MAX_SAFE_INTEGER + 1)],
    ['version', (t) => delete t.version],
    ['credentialType', (t) => (t.credentialType = '1Degree')],
    ['credentialType', (t) => (t.credentialType = 'University-Degree')],
    ['credentialType', (t) => (t.credentialType = 'D'.repeat(65))],
    ['credentialType', (t) => (t.credentialType = 'VerifiableCredential')],
    ['credentialType', (t) => delete t.credentialType],
    ['schema', (t) => delete t.schema],
    ['schema', (t) => (t.schema = [])],
    ['schema', (t) => (t.schema = true)],
    ['display', (t) => delete t.display],
    ['display', (t) => (t.display = 'degree')],
    ['display.en', (t) => delete (t.display as Record<string, unknown>).en],
    ['display.zh-CN', (t) => delete (t.display as Record<string, unknown>)['zh-CN']],
    ['display.zh-CN', (t) => ((t.display as Record<string, unknown>)['zh-CN'] = '学位')],
    ['display.fr', (t) => ((t.display as Record<string, unknown>).fr = { name: 'Diplôme' })],
    ['display.en.name', (t) => ((t.display as { en: { name: unknown } }).en.name = '')],
    ['display.en.name', (t) => ((t.display as { en: { name: unknown } }).en.name = '  ')],
    [
      'display.en.name',
      (t) => ((t.display as { en: { name: unknown } }).en.name = 'x'.repeat(101)),
    ],
    ['display.en.name', (t) => ((t.display as { en: { name: unknown } }).en.name = 'a\nb')],
    ['display.en.name', (t) => ((t.display as { en: { name: unknown } }).en.name = 'a\uD800')],
    ['display.en.name', (t) => ((t.display as { en: { name: unknown } }).en.name = 7)],
    [
      'display.zh-CN.description',
      (t) =>
        ((t.display as { 'zh-CN': { description: unknown } })['zh-CN'].description = '长'.repeat(
          501,
        )),
    ],
    [
      'display.zh-CN.description',
      (t) => ((t.display as { 'zh-CN': { description: unknown } })['zh-CN'].description = null),
    ],
    ['display.en.logo', (t) => ((t.display as { en: Record<string, unknown> }).en.logo = 'x.png')],
    ['issuer', (t) => (t.issuer = 'did:ddi:abc')],
  ])('rejects a bad %s', (field, patch) => {
    const error = failure(with_(patch));
    expect(error.code).toBe('malformed');
    expect(error.details?.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it('accepts names and descriptions at their limits, counted in characters', () => {
    const template = validateTemplateDefinition(
      with_((t) => {
        const display = t.display as Record<string, Record<string, string>>;
        display['zh-CN']!.name = '证'.repeat(100);
        display['zh-CN']!.description = '长'.repeat(250) + '\n\n' + '𠀀'.repeat(248);
        display.en!.name = 'x'.repeat(100);
      }),
    );
    expect([...template.display['zh-CN'].description!].length).toBe(500);
  });

  it('rejects input that is not a plain object', () => {
    for (const input of [null, 'template', [], new Date()]) {
      expect(failure(input).details?.field).toBe('definition');
    }
  });

  it.each([
    ['a non-2020-12 $schema', { $schema: 'http://json-schema.org/draft-07/schema#' }, 'dialect'],
    [
      '$schema without https',
      { $schema: 'http://json-schema.org/draft/2020-12/schema' },
      'dialect',
    ],
    ['a top-level type other than object', { type: 'array' }, 'notObject'],
    ['a top-level type list', { type: ['object', 'null'] }, 'notObject'],
    ['no top-level type', { type: undefined }, 'notObject'],
  ])('rejects a schema with %s', (_label, patch, reason) => {
    const error = failure(with_((t) => Object.assign(schemaOf(t), patch)));
    expect(error.details).toMatchObject({ field: 'schema', reason });
  });

  it('rejects a schema that does not compile', () => {
    const badPattern = failure(
      with_((t) => (schemaOf(t).properties = { code: { type: 'string', pattern: '(' } })),
    );
    expect(badPattern.details).toMatchObject({ field: 'schema', reason: 'compile' });
    const missingDef = failure(
      with_((t) => (schemaOf(t).properties = { code: { $ref: '#/$defs/nowhere' } })),
    );
    expect(missingDef.details).toMatchObject({ field: 'schema', reason: 'compile' });
    const badType = failure(with_((t) => (schemaOf(t).properties = { code: { type: 'strin' } })));
    expect(badType.details).toMatchObject({ field: 'schema', reason: 'invalid' });
    expect(badType.message).toContain('not a valid JSON Schema 2020-12 schema');
  });

  it('rejects unknown keywords, formats and other loose schemas (strict mode)', () => {
    const cases: Array<Record<string, unknown>> = [
      { code: { type: 'string', maxLenght: 3 } },
      { email: { type: 'string', format: 'email' } },
      { code: { minLength: 3 } },
      { pair: { type: 'array', prefixItems: [{ type: 'string' }] } },
    ];
    for (const properties of cases) {
      const error = failure(with_((t) => (schemaOf(t).properties = properties)));
      expect(error.details, JSON.stringify(properties)).toMatchObject({ field: 'schema' });
    }
    const unknownTop = failure(with_((t) => (schemaOf(t).title2 = 'x')));
    expect(unknownTop.message).toContain('unknown keyword');
    const looseRequired = failure(with_((t) => (schemaOf(t).required = ['name', 'nickname'])));
    expect(looseRequired.message).toContain('nickname');
  });

  it('rejects remote $ref and $dynamicRef wherever they are', () => {
    const cases: Array<[(s: Record<string, unknown>) => void, string]> = [
      [
        (s) => (s.properties = { a: { $ref: 'https://example.com/person.json' } }),
        '#/properties/a/$ref',
      ],
      [(s) => (s.allOf = [{ $ref: 'http://json-schema.org/draft-07/schema#' }]), '#/allOf/0/$ref'],
      [(s) => (s.$defs = { p: { $ref: 'person.json#/name' } }), '#/$defs/p/$ref'],
      [(s) => (s.items = { $dynamicRef: 'urn:example:meta' }), '#/items/$dynamicRef'],
      [
        (s) => (s.properties = { a: { not: { $ref: '//cdn.example/x' } } }),
        '#/properties/a/not/$ref',
      ],
      // The meta-schema is known to Ajv; referencing it is still a remote reference.
      [(s) => (s.properties = { a: { $ref: TEMPLATE_SCHEMA_DIALECT } }), '#/properties/a/$ref'],
    ];
    for (const [patch, path] of cases) {
      const error = failure(with_((t) => patch(schemaOf(t))));
      expect(error.details, path).toMatchObject({ field: 'schema', reason: 'remoteRef', path });
    }
  });

  it('rejects remote $ids but allows local ones', () => {
    for (const id of ['https://example.com/degree', 'urn:uuid:1234', '//example.com/degree']) {
      const error = failure(with_((t) => (schemaOf(t).$id = id)));
      expect(error.details).toMatchObject({ field: 'schema', reason: 'remoteId' });
    }
    const nested = failure(
      with_((t) => (schemaOf(t).$defs = { p: { $id: 'https://example.com/p', type: 'string' } })),
    );
    expect(nested.details).toMatchObject({ reason: 'remoteId', path: '#/$defs/p/$id' });
    expect(() =>
      validateTemplateDefinition(with_((t) => (schemaOf(t).$id = 'degree'))),
    ).not.toThrow();
  });

  it('treats "$ref" inside const, enum and examples as data, not a reference', () => {
    const template = validateTemplateDefinition(
      with_((t) => {
        schemaOf(t).properties = {
          link: { const: { $ref: 'https://example.com/x' } },
          choice: { enum: [{ $ref: 'https://example.com/y' }] },
        };
        schemaOf(t).required = [];
      }),
    );
    expect(compileTemplateSchema(template)({ link: { $ref: 'https://example.com/x' } })).toEqual({
      valid: true,
    });
  });

  it('rejects a schema over the size limit with tooLarge', () => {
    const enumValues = Array.from({ length: 4000 }, (_, i) => `value-${i}`);
    const error = failure(with_((t) => (schemaOf(t).properties = { v: { enum: enumValues } })));
    expect(error.code).toBe('tooLarge');
    expect(error.details).toMatchObject({ field: 'schema', limit: MAX_TEMPLATE_SCHEMA_BYTES });
  });

  it('rejects schemas nested too deeply, and cycles', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { x: deep } };
    expect(failure(with_((t) => (t.schema = deep))).details).toMatchObject({ reason: 'depth' });
    const cyclic: Record<string, unknown> = { type: 'object' };
    cyclic.properties = { self: cyclic };
    expect(failure(with_((t) => (t.schema = cyclic))).details).toMatchObject({ reason: 'depth' });
  });

  it('rejects values JSON cannot carry', () => {
    const error = failure(with_((t) => (schemaOf(t).maximum = Number.NaN)));
    expect(error.details).toMatchObject({ field: 'schema', reason: 'notJson' });
  });
});

describe('compileTemplateSchema', () => {
  const template = validateTemplateDefinition(degreeTemplate());
  const validate = compileTemplateSchema(template);

  it('accepts claims that match', () => {
    expect(
      validate({
        name: '张三',
        degree: { type: 'BachelorDegree', major: 'Computer Science' },
        graduationYear: 2024,
        honours: ['Summa cum laude'],
      }),
    ).toEqual({ valid: true });
  });

  it('reports every mismatch with its JSON Pointer path', () => {
    const result = validate({
      name: '',
      degree: { type: 'Diploma', minor: 'Art' },
      graduationYear: 2024.5,
      honours: ['ok', 'ok'],
      gpa: 3.9,
    });
    expect(result.valid).toBe(false);
    if (result.valid) return;
    const paths = result.errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/name',
        '/degree/type',
        '/degree/major',
        '/degree/minor',
        '/graduationYear',
        '/honours',
        '/gpa',
      ]),
    );
    const major = result.errors.find((e) => e.path === '/degree/major');
    expect(major?.message).toContain('required');
    for (const error of result.errors) expect(error.message).not.toBe('');
  });

  it('reports a non-object at the root path', () => {
    expect(validate('张三')).toEqual({
      valid: false,
      errors: [{ path: '', message: 'must be object' }],
    });
  });

  it('does not change the claims it checks', () => {
    const claims = { name: 'Li', degree: { type: 'MasterDegree', major: 'Law' } };
    const before = JSON.stringify(claims);
    validate(claims);
    expect(JSON.stringify(claims)).toBe(before);
  });

  it('reuses the compiled validator for the same id, version and schema', () => {
    const first = compileTemplateSchema(template);
    expect(compileTemplateSchema(template)).toBe(first);
    // Equal JSON in a different object (as read back from ledger state) hits the cache too.
    expect(compileTemplateSchema({ ...template, schema: structuredClone(template.schema) })).toBe(
      first,
    );
  });

  it('never serves a cached validator for a different schema under the same id and version', () => {
    const other: CredentialTemplate = {
      ...template,
      schema: { type: 'object', properties: { name: { type: 'integer' } } },
    };
    const otherValidate = compileTemplateSchema(other);
    expect(otherValidate).not.toBe(validate);
    expect(otherValidate({ name: 'Li' }).valid).toBe(false);
    expect(otherValidate({ name: 3 }).valid).toBe(true);
  });

  it('keeps templates apart even when they declare the same $id', () => {
    const a = validateTemplateDefinition(
      with_((t) => {
        t.id = 'example.a';
        t.schema = { $id: 'shared', type: 'object', required: ['a'], properties: { a: {} } };
      }),
    );
    const b = validateTemplateDefinition(
      with_((t) => {
        t.id = 'example.b';
        t.schema = { $id: 'shared', type: 'object', required: ['b'], properties: { b: {} } };
      }),
    );
    expect(compileTemplateSchema(a)({ a: 1 }).valid).toBe(true);
    expect(compileTemplateSchema(b)({ a: 1 }).valid).toBe(false);
    expect(compileTemplateSchema(b)({ b: 1 }).valid).toBe(true);
  });
});
