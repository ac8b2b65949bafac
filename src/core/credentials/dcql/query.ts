// DCQL queries, OpenID for Verifiable Presentations 1.0 §6, validated into a typed form.
import { DdiError, ErrorCode } from '../../errors.ts';
import { isClaimsPathPointer } from './claims-path.ts';
import type { ClaimsPathPointer } from './claims-path.ts';

/** Credential Format Identifiers ddi can answer (OpenID4VP 1.0 Appendix B): SD-JWT VC and VC-JWT. */
export type DcqlSupportedFormat = 'dc+sd-jwt' | 'jwt_vc_json';

/** A value a Claims Query may require (§6.3 `values`). */
export type DcqlClaimValue = string | number | boolean;

/** A Claims Query (§6.3). */
export interface DcqlClaimsQuery {
  id?: string;
  path: ClaimsPathPointer;
  values?: DcqlClaimValue[];
}

/** The `meta` of a Credential Query (§6.1; per format in Appendix B). */
export interface DcqlMeta {
  /** dc+sd-jwt (Appendix B.3.5): accepted `vct` values. */
  vct_values?: string[];
  /** jwt_vc_json (Appendix B.1.1): alternatives, each a set of types the credential must all have. */
  type_values?: string[][];
  /** mso_mdoc (Appendix B.2.3); kept so such queries parse, though ddi holds no mdocs. */
  doctype_value?: string;
  [extra: string]: unknown;
}

/** A Trusted Authorities Query (§6.1.1); parsed, not evaluated (candidates carry no trust chain). */
export interface DcqlTrustedAuthoritiesQuery {
  type: string;
  values: string[];
}

/** A Credential Query (§6.1), with the defaults of `multiple` and holder binding filled in. */
export interface DcqlCredentialQuery {
  id: string;
  /** Any format string parses (§6.1); only {@link DcqlSupportedFormat} ones can ever match. */
  format: string;
  multiple: boolean;
  meta: DcqlMeta;
  trusted_authorities?: DcqlTrustedAuthoritiesQuery[];
  require_cryptographic_holder_binding: boolean;
  claims?: DcqlClaimsQuery[];
  claim_sets?: string[][];
}

/** A Credential Set Query (§6.2), with the default of `required` filled in. */
export interface DcqlCredentialSetQuery {
  options: string[][];
  required: boolean;
}

/** A validated DCQL query (§6). */
export interface DcqlQuery {
  credentials: DcqlCredentialQuery[];
  credential_sets?: DcqlCredentialSetQuery[];
}

// §6.1 and §6.3: ids are non-empty strings of alphanumerics, underscore and hyphen.
const ID = /^[A-Za-z0-9_-]+$/;

/**
 * Validates a DCQL query (OpenID4VP 1.0 §6) and returns it typed with defaults filled in; throws
 * DdiError `malformed` with `details.field` naming the offending member. Unknown members are
 * dropped, as §6 says implementations must ignore them.
 */
export function parseDcqlQuery(input: unknown): DcqlQuery {
  const root = object(input, 'dcql_query');
  const credentials = nonEmptyArray(root.credentials, 'credentials').map((c, i) =>
    parseCredentialQuery(c, `credentials[${i}]`),
  );
  const ids = new Set<string>();
  credentials.forEach((c, i) => {
    // §6.1: the same id must not be present more than once.
    if (ids.has(c.id)) malformed(`credentials[${i}].id`, `duplicate credential query id "${c.id}"`);
    ids.add(c.id);
  });
  const query: DcqlQuery = { credentials };
  if (root.credential_sets !== undefined) {
    query.credential_sets = nonEmptyArray(root.credential_sets, 'credential_sets').map((s, i) =>
      parseCredentialSet(s, `credential_sets[${i}]`, ids),
    );
  }
  return query;
}

function parseCredentialQuery(input: unknown, at: string): DcqlCredentialQuery {
  const raw = object(input, at);
  const id = identifier(raw.id, `${at}.id`);
  const format = nonEmptyString(raw.format, `${at}.format`);
  const multiple = optionalBoolean(raw.multiple, `${at}.multiple`) ?? false;
  const holderBinding =
    optionalBoolean(
      raw.require_cryptographic_holder_binding,
      `${at}.require_cryptographic_holder_binding`,
    ) ?? true;
  const query: DcqlCredentialQuery = {
    id,
    format,
    multiple,
    meta: parseMeta(raw.meta, format, `${at}.meta`),
    require_cryptographic_holder_binding: holderBinding,
  };
  if (raw.trusted_authorities !== undefined) {
    query.trusted_authorities = nonEmptyArray(
      raw.trusted_authorities,
      `${at}.trusted_authorities`,
    ).map((t, i) => {
      const where = `${at}.trusted_authorities[${i}]`;
      const entry = object(t, where);
      return {
        type: nonEmptyString(entry.type, `${where}.type`),
        values: nonEmptyArray(entry.values, `${where}.values`).map((v, j) =>
          nonEmptyString(v, `${where}.values[${j}]`),
        ),
      };
    });
  }
  if (raw.claims !== undefined) {
    const claimIds = new Set<string>();
    query.claims = nonEmptyArray(raw.claims, `${at}.claims`).map((c, i) => {
      const claim = parseClaimsQuery(c, `${at}.claims[${i}]`, format);
      if (claim.id !== undefined) {
        // §6.3: within one claims array an id appears at most once.
        if (claimIds.has(claim.id)) {
          malformed(`${at}.claims[${i}].id`, `duplicate claim id "${claim.id}"`);
        }
        claimIds.add(claim.id);
      }
      return claim;
    });
  }
  if (raw.claim_sets !== undefined) {
    // §6.4.1: claim_sets must not be present without claims; §6.3: then every claim needs an id.
    const claims = query.claims;
    if (!claims) malformed(`${at}.claim_sets`, 'claim_sets without claims');
    claims.forEach((c, i) => {
      if (c.id === undefined) malformed(`${at}.claims[${i}].id`, 'claim_sets needs claim ids');
    });
    const known = new Set(claims.map((c) => c.id));
    query.claim_sets = nonEmptyArray(raw.claim_sets, `${at}.claim_sets`).map((set, i) =>
      nonEmptyArray(set, `${at}.claim_sets[${i}]`).map((ref, j) => {
        const field = `${at}.claim_sets[${i}][${j}]`;
        const claimId = identifier(ref, field);
        if (!known.has(claimId)) malformed(field, `claim_sets names unknown claim "${claimId}"`);
        return claimId;
      }),
    );
  }
  return query;
}

function parseMeta(input: unknown, format: string, at: string): DcqlMeta {
  // §6.1: meta is REQUIRED (possibly empty); each format makes its own member REQUIRED.
  const raw = object(input, at);
  const meta: DcqlMeta = { ...raw };
  if (format === 'dc+sd-jwt') {
    meta.vct_values = nonEmptyArray(raw.vct_values, `${at}.vct_values`).map((v, i) =>
      nonEmptyString(v, `${at}.vct_values[${i}]`),
    );
  } else if (format === 'jwt_vc_json') {
    meta.type_values = nonEmptyArray(raw.type_values, `${at}.type_values`).map((alt, i) =>
      nonEmptyArray(alt, `${at}.type_values[${i}]`).map((t, j) =>
        nonEmptyString(t, `${at}.type_values[${i}][${j}]`),
      ),
    );
  } else if (format === 'mso_mdoc') {
    meta.doctype_value = nonEmptyString(raw.doctype_value, `${at}.doctype_value`);
  }
  return meta;
}

function parseClaimsQuery(input: unknown, at: string, format: string): DcqlClaimsQuery {
  const raw = object(input, at);
  if (!isClaimsPathPointer(raw.path)) {
    malformed(`${at}.path`, 'path must be a non-empty array of strings, nulls and integers >= 0');
  }
  // §7.2: an mdoc path is exactly a namespace and a data element identifier.
  if (format === 'mso_mdoc' && (raw.path.length !== 2 || !raw.path.every(isString))) {
    malformed(`${at}.path`, 'an mso_mdoc path is [namespace, element identifier]');
  }
  const claim: DcqlClaimsQuery = { path: [...raw.path] };
  if (raw.id !== undefined) claim.id = identifier(raw.id, `${at}.id`);
  if (raw.values !== undefined) {
    claim.values = nonEmptyArray(raw.values, `${at}.values`).map((v, i) => {
      // §6.3: strings, integers or booleans.
      const ok = typeof v === 'string' || typeof v === 'boolean' || Number.isSafeInteger(v);
      if (!ok) malformed(`${at}.values[${i}]`, 'values are strings, integers or booleans');
      return v as DcqlClaimValue;
    });
  }
  return claim;
}

function parseCredentialSet(input: unknown, at: string, ids: Set<string>): DcqlCredentialSetQuery {
  const raw = object(input, at);
  const options = nonEmptyArray(raw.options, `${at}.options`).map((option, i) =>
    nonEmptyArray(option, `${at}.options[${i}]`).map((ref, j) => {
      const field = `${at}.options[${i}][${j}]`;
      const id = identifier(ref, field);
      if (!ids.has(id)) malformed(field, `options name unknown credential query "${id}"`);
      return id;
    }),
  );
  return { options, required: optionalBoolean(raw.required, `${at}.required`) ?? true };
}

function malformed(field: string, message: string): never {
  throw new DdiError(ErrorCode.Malformed, `DCQL query: ${message} (${field})`, { field });
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    malformed(field, 'expected an object');
  }
  return value as Record<string, unknown>;
}

function nonEmptyArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) malformed(field, 'expected a non-empty array');
  return value;
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') malformed(field, 'expected a non-empty string');
  return value;
}

function identifier(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ID.test(value)) {
    malformed(field, 'expected an id of letters, digits, "_" or "-"');
  }
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') malformed(field, 'expected a boolean');
  return value;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
