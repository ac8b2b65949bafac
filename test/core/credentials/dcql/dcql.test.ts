import { describe, expect, it } from 'vitest';
import {
  matchDcql,
  parseDcqlQuery,
  selectClaims,
} from '../../../../src/core/credentials/dcql/index.ts';
import type { DcqlCandidate } from '../../../../src/core/credentials/dcql/index.ts';
import { DdiError } from '../../../../src/core/errors.ts';

// Queries below are copied from OpenID for Verifiable Presentations 1.0 (final); each names its place.

const IDENTITY = 'https://credentials.example.com/identity_credential';

/** An SD-JWT VC candidate holding `claims` (all of them, disclosable or not). */
function sdJwt(id: string, vct: string, claims: Record<string, unknown>): DcqlCandidate {
  return { id, format: 'dc+sd-jwt', vct, claims: { vct, ...claims } };
}

function malformedField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DdiError);
    expect((err as DdiError).code).toBe('malformed');
    return (err as DdiError).details?.field as string;
  }
  throw new Error('expected a malformed DCQL query');
}

describe('claims path pointers (§7.1.1, the example of §7.3)', () => {
  const credential = {
    name: 'Arthur Dent',
    address: { street_address: '42 Market Street', locality: 'Milliways', postal_code: '12345' },
    degrees: [
      { type: 'Bachelor of Science', university: 'University of Betelgeuse' },
      { type: 'Master of Science', university: 'University of Betelgeuse' },
    ],
    nationalities: ['British', 'Betelgeusian'],
  };

  it('selects what §7.3 says each pointer selects', () => {
    expect(selectClaims(credential, ['name'])).toEqual(['Arthur Dent']);
    expect(selectClaims(credential, ['address'])).toEqual([credential.address]);
    expect(selectClaims(credential, ['address', 'street_address'])).toEqual(['42 Market Street']);
    expect(selectClaims(credential, ['degrees', null, 'type'])).toEqual([
      'Bachelor of Science',
      'Master of Science',
    ]);
    expect(selectClaims(credential, ['nationalities', 1])).toEqual(['Betelgeusian']);
  });

  it('errors (undefined) on shape mismatches and empty selections', () => {
    expect(selectClaims(credential, ['nickname'])).toBeUndefined();
    expect(selectClaims(credential, ['nationalities', 2])).toBeUndefined();
    // A string component on an array, an index or null on an object: abort (2.1, 2.2, 2.3).
    expect(selectClaims(credential, ['degrees', 'type'])).toBeUndefined();
    expect(selectClaims(credential, ['address', null])).toBeUndefined();
    expect(selectClaims(credential, ['address', 0])).toBeUndefined();
    // One selected element of the wrong shape aborts the whole pointer.
    expect(selectClaims({ a: [{ b: 1 }, 'x'] }, ['a', null, 'b'])).toBeUndefined();
    // Elements lacking the key drop out, the others stay.
    expect(selectClaims({ a: [{ b: 1 }, { c: 2 }] }, ['a', null, 'b'])).toEqual([1]);
  });
});

describe('§7.4: the simple SD-JWT VC query', () => {
  const query = parseDcqlQuery({
    credentials: [
      {
        id: 'my_credential',
        format: 'dc+sd-jwt',
        meta: { vct_values: [IDENTITY] },
        claims: [
          { path: ['family_name'] },
          { path: ['given_name'] },
          { path: ['address', 'street_address'] },
        ],
      },
    ],
  });

  it('parses with the defaults filled in', () => {
    expect(query.credentials[0]).toMatchObject({
      id: 'my_credential',
      multiple: false,
      require_cryptographic_holder_binding: true,
    });
  });

  it('matches the credential of the right vct that has the claims, disclosing only those', () => {
    const full = sdJwt('c1', IDENTITY, {
      given_name: 'John',
      family_name: 'Doe',
      birthdate: '1940-01-01',
      address: { street_address: '123 Main St', locality: 'Anytown' },
    });
    const otherType = sdJwt('c2', 'https://example.com/other', full.claims);
    const noAddress = sdJwt('c3', IDENTITY, { given_name: 'Jane', family_name: 'Roe' });
    const result = matchDcql(query, [full, otherType, noAddress]);
    expect(result.satisfied).toBe(true);
    expect(result.selected).toEqual(['my_credential']);
    expect(result.matches.my_credential).toEqual([
      {
        candidateId: 'c1',
        claimPaths: [['family_name'], ['given_name'], ['address', 'street_address']],
      },
    ]);
  });

  it('is not satisfied when no candidate has every claim', () => {
    const result = matchDcql(query, [sdJwt('c3', IDENTITY, { given_name: 'Jane' })]);
    expect(result.satisfied).toBe(false);
    expect(result.selected).toEqual([]);
    expect(result.matches.my_credential).toEqual([]);
  });
});

describe('"Examples for DCQL Queries": claim_sets (postal_code, or locality and region)', () => {
  const query = parseDcqlQuery({
    credentials: [
      {
        id: 'pid',
        format: 'dc+sd-jwt',
        meta: { vct_values: [IDENTITY] },
        claims: [
          { id: 'a', path: ['last_name'] },
          { id: 'b', path: ['postal_code'] },
          { id: 'c', path: ['locality'] },
          { id: 'd', path: ['region'] },
          { id: 'e', path: ['date_of_birth'] },
        ],
        claim_sets: [
          ['a', 'c', 'd', 'e'],
          ['a', 'b', 'e'],
        ],
      },
    ],
  });
  const base = { last_name: 'Doe', date_of_birth: '1990-01-01' };

  it('uses the first claim set the credential can satisfy (the verifier’s preference)', () => {
    const everything = sdJwt('all', IDENTITY, {
      ...base,
      postal_code: '90210',
      locality: 'Beverly Hills',
      region: 'CA',
    });
    const [match] = matchDcql(query, [everything]).matches.pid ?? [];
    expect(match?.claimSetIndex).toBe(0);
    expect(match?.claimPaths).toEqual([['last_name'], ['locality'], ['region'], ['date_of_birth']]);
    // postal_code is not disclosed: only the chosen set is.
    expect(match?.claimPaths).not.toContainEqual(['postal_code']);
  });

  it('falls back to a later claim set when an earlier one is not satisfiable', () => {
    const noRegion = sdJwt('pc', IDENTITY, { ...base, postal_code: '90210', locality: 'BH' });
    const [match] = matchDcql(query, [noRegion]).matches.pid ?? [];
    expect(match?.claimSetIndex).toBe(1);
    expect(match?.claimPaths).toEqual([['last_name'], ['postal_code'], ['date_of_birth']]);
  });

  it('does not match when no claim set is satisfiable', () => {
    const noDob = sdJwt('x', IDENTITY, { last_name: 'Doe', postal_code: '90210' });
    const result = matchDcql(query, [noDob]);
    expect(result.matches.pid).toEqual([]);
    expect(result.satisfied).toBe(false);
  });
});

describe('"Examples for DCQL Queries": credential_sets (pid, or other_pid, or both reduced)', () => {
  const query = parseDcqlQuery({
    credentials: [
      {
        id: 'pid',
        format: 'dc+sd-jwt',
        meta: { vct_values: [IDENTITY] },
        claims: [
          { path: ['given_name'] },
          { path: ['family_name'] },
          { path: ['address', 'street_address'] },
        ],
      },
      {
        id: 'other_pid',
        format: 'dc+sd-jwt',
        meta: { vct_values: ['https://othercredentials.example/pid'] },
        claims: [
          { path: ['given_name'] },
          { path: ['family_name'] },
          { path: ['address', 'street_address'] },
        ],
      },
      {
        id: 'pid_reduced_cred_1',
        format: 'dc+sd-jwt',
        meta: { vct_values: ['https://credentials.example.com/reduced_identity_credential'] },
        claims: [{ path: ['family_name'] }, { path: ['given_name'] }],
      },
      {
        id: 'pid_reduced_cred_2',
        format: 'dc+sd-jwt',
        meta: { vct_values: ['https://cred.example/residence_credential'] },
        claims: [{ path: ['postal_code'] }, { path: ['locality'] }, { path: ['region'] }],
      },
      {
        id: 'nice_to_have',
        format: 'dc+sd-jwt',
        meta: { vct_values: ['https://company.example/company_rewards'] },
        claims: [{ path: ['rewards_number'] }],
      },
    ],
    credential_sets: [
      { options: [['pid'], ['other_pid'], ['pid_reduced_cred_1', 'pid_reduced_cred_2']] },
      { required: false, options: [['nice_to_have']] },
    ],
  });
  const person = { given_name: 'Erika', family_name: 'Mustermann' };
  const reduced1 = sdJwt(
    'r1',
    'https://credentials.example.com/reduced_identity_credential',
    person,
  );
  const reduced2 = sdJwt('r2', 'https://cred.example/residence_credential', {
    postal_code: '51147',
    locality: 'Köln',
    region: 'NRW',
  });
  const rewards = sdJwt('rw', 'https://company.example/company_rewards', { rewards_number: 7 });

  it('defaults required to true', () => {
    expect(query.credential_sets?.map((s) => s.required)).toEqual([true, false]);
  });

  it('is satisfied by the two reduced credentials together, and adds the optional one', () => {
    const result = matchDcql(query, [reduced1, reduced2, rewards]);
    expect(result.satisfied).toBe(true);
    expect(result.credentialSets).toEqual([
      { required: true, satisfiableOptions: [2] },
      { required: false, satisfiableOptions: [0] },
    ]);
    expect(result.selected).toEqual(['pid_reduced_cred_1', 'pid_reduced_cred_2', 'nice_to_have']);
  });

  it('prefers the first satisfiable option and leaves out an unmet optional set', () => {
    const pid = sdJwt('p', IDENTITY, { ...person, address: { street_address: 'Heidestr. 17' } });
    const result = matchDcql(query, [reduced1, reduced2, pid]);
    expect(result.satisfied).toBe(true);
    expect(result.credentialSets?.[0]?.satisfiableOptions).toEqual([0, 2]);
    expect(result.selected).toEqual(['pid']);
  });

  it('is not satisfied when half of an option is missing and nothing else meets the set', () => {
    const result = matchDcql(query, [reduced1, rewards]);
    expect(result.satisfied).toBe(false);
    expect(result.selected).toEqual([]);
    expect(result.matches.pid_reduced_cred_1).toHaveLength(1);
  });
});

describe('"Examples for DCQL Queries": several credentials, all required', () => {
  const query = parseDcqlQuery({
    credentials: [
      {
        id: 'pid',
        format: 'dc+sd-jwt',
        meta: { vct_values: [IDENTITY] },
        claims: [
          { path: ['given_name'] },
          { path: ['family_name'] },
          { path: ['address', 'street_address'] },
        ],
      },
      {
        id: 'mdl',
        format: 'mso_mdoc',
        meta: { doctype_value: 'org.iso.7367.1.mVRC' },
        claims: [
          { path: ['org.iso.7367.1', 'vehicle_holder'] },
          { path: ['org.iso.18013.5.1', 'given_name'] },
        ],
      },
    ],
  });

  it('parses an mdoc query but no ddi candidate satisfies it, so nothing may be returned', () => {
    const pid = sdJwt('p', IDENTITY, {
      given_name: 'A',
      family_name: 'B',
      address: { street_address: 'C' },
    });
    const result = matchDcql(query, [pid]);
    expect(result.matches.pid).toHaveLength(1);
    expect(result.matches.mdl).toEqual([]);
    expect(result.satisfied).toBe(false);
  });
});

describe('"Examples for DCQL Queries": value matching', () => {
  const query = parseDcqlQuery({
    credentials: [
      {
        id: 'my_credential',
        format: 'dc+sd-jwt',
        meta: { vct_values: [IDENTITY] },
        claims: [
          { path: ['family_name'], values: ['Doe'] },
          { path: ['given_name'] },
          { path: ['address', 'street_address'] },
          { path: ['postal_code'], values: ['90210', '90211'] },
        ],
      },
    ],
  });
  const holder = (postal_code: unknown): DcqlCandidate =>
    sdJwt('c', IDENTITY, {
      family_name: 'Doe',
      given_name: 'John',
      address: { street_address: '1 Rodeo Dr' },
      postal_code,
    });

  it('matches only when type and value both match one of the values', () => {
    expect(matchDcql(query, [holder('90211')]).satisfied).toBe(true);
    expect(matchDcql(query, [holder('10001')]).satisfied).toBe(false);
    // The number 90210 is not the string "90210".
    expect(matchDcql(query, [holder(90210)]).satisfied).toBe(false);
  });
});

describe('Appendix B.1: jwt_vc_json and type_values', () => {
  it('matches the B.1.3 request on a VC-JWT with the type and the credentialSubject claims', () => {
    const query = parseDcqlQuery({
      credentials: [
        {
          id: 'example_jwt_vc',
          format: 'jwt_vc_json',
          meta: { type_values: [['IDCredential']] },
          claims: [
            { path: ['credentialSubject', 'family_name'] },
            { path: ['credentialSubject', 'given_name'] },
          ],
        },
      ],
    });
    const vc: DcqlCandidate = {
      id: 'vc1',
      format: 'jwt_vc_json',
      types: ['VerifiableCredential', 'IDCredential'],
      claims: {
        type: ['VerifiableCredential', 'IDCredential'],
        credentialSubject: { given_name: 'Max', family_name: 'Mustermann', birthdate: '1998' },
      },
    };
    const sdJwtTwin: DcqlCandidate = { ...vc, id: 'sd', format: 'dc+sd-jwt', vct: 'IDCredential' };
    const result = matchDcql(query, [sdJwtTwin, vc]);
    expect(result.matches.example_jwt_vc).toEqual([
      {
        candidateId: 'vc1',
        claimPaths: [
          ['credentialSubject', 'family_name'],
          ['credentialSubject', 'given_name'],
        ],
      },
    ]);
  });

  it('B.1.1: every type of one alternative must be present, in any order, extras allowed', () => {
    const query = parseDcqlQuery({
      credentials: [
        {
          id: 'degree',
          format: 'jwt_vc_json',
          meta: {
            type_values: [
              [
                'https://www.w3.org/2018/credentials#VerifiableCredential',
                'https://example.org/examples#AlumniCredential',
                'https://example.org/examples#BachelorDegree',
              ],
              [
                'https://www.w3.org/2018/credentials#VerifiableCredential',
                'https://example.org/examples#UniversityDegreeCredential',
              ],
              ['IdentityCredential'],
            ],
          },
        },
      ],
    });
    // Types as a JSON-LD expansion of the spec's example credentials gives them.
    const withTypes = (id: string, types: string[]): DcqlCandidate => ({
      id,
      format: 'jwt_vc_json',
      types,
      claims: { type: types },
    });
    const candidates = [
      withTypes('university', [
        'VerifiableCredential',
        'https://example.org/examples#UniversityDegreeCredential',
      ]),
      withTypes('bachelor', [
        'VerifiableCredential',
        'https://example.org/examples#BachelorDegree',
        'https://example.org/examples#AlumniCredential',
      ]),
      withTypes('identity', ['VerifiableCredential', 'IdentityCredential']),
      withTypes('alumni-only', [
        'VerifiableCredential',
        'https://example.org/examples#AlumniCredential',
      ]),
    ];
    const result = matchDcql(query, candidates);
    // No claims asked: a VC-JWT is presented whole, nothing is selected.
    expect(result.matches.degree).toEqual([
      { candidateId: 'university', claimPaths: [] },
      { candidateId: 'bachelor', claimPaths: [] },
      { candidateId: 'identity', claimPaths: [] },
    ]);
  });
});

describe('nested paths with null wildcards', () => {
  const query = parseDcqlQuery({
    credentials: [
      {
        id: 'diploma',
        format: 'jwt_vc_json',
        meta: { type_values: [['VerifiableCredential', 'DiplomaCredential']] },
        claims: [
          { id: 'degree_types', path: ['credentialSubject', 'degrees', null, 'type'] },
          { id: 'first_degree', path: ['credentialSubject', 'degrees', 0] },
          {
            id: 'masters',
            path: ['credentialSubject', 'degrees', null, 'type'],
            values: ['Master of Science'],
          },
        ],
        claim_sets: [['masters'], ['degree_types', 'first_degree']],
      },
    ],
  });
  const diploma = (degrees: unknown): DcqlCandidate => ({
    id: 'd',
    format: 'jwt_vc_json',
    types: ['VerifiableCredential', 'DiplomaCredential'],
    claims: { credentialSubject: { degrees } },
  });

  it('a value constraint on a wildcard is met if any selected element matches', () => {
    const both = diploma([{ type: 'Bachelor of Science' }, { type: 'Master of Science' }]);
    const [match] = matchDcql(query, [both]).matches.diploma ?? [];
    expect(match).toEqual({
      candidateId: 'd',
      claimPaths: [['credentialSubject', 'degrees', null, 'type']],
      claimSetIndex: 0,
    });
  });

  it('without a master’s degree the second set applies', () => {
    const bachelor = diploma([{ type: 'Bachelor of Science' }]);
    const [match] = matchDcql(query, [bachelor]).matches.diploma ?? [];
    expect(match?.claimSetIndex).toBe(1);
    expect(match?.claimPaths).toEqual([
      ['credentialSubject', 'degrees', null, 'type'],
      ['credentialSubject', 'degrees', 0],
    ]);
  });

  it('an empty array or a non-array selects nothing, so no set is met', () => {
    expect(matchDcql(query, [diploma([])]).matches.diploma).toEqual([]);
    expect(matchDcql(query, [diploma({ type: 'x' })]).matches.diploma).toEqual([]);
  });
});

describe('malformed queries', () => {
  const good = {
    id: 'q',
    format: 'dc+sd-jwt',
    meta: { vct_values: [IDENTITY] },
    claims: [{ id: 'a', path: ['given_name'] }],
  };
  const one = (patch: Record<string, unknown>): unknown => ({
    credentials: [{ ...good, ...patch }],
  });

  it('names the offending field', () => {
    expect(malformedField(() => parseDcqlQuery(null))).toBe('dcql_query');
    expect(malformedField(() => parseDcqlQuery({}))).toBe('credentials');
    expect(malformedField(() => parseDcqlQuery({ credentials: [] }))).toBe('credentials');
    expect(malformedField(() => parseDcqlQuery(one({ id: 'has space' })))).toBe(
      'credentials[0].id',
    );
    expect(malformedField(() => parseDcqlQuery(one({ id: '' })))).toBe('credentials[0].id');
    expect(malformedField(() => parseDcqlQuery(one({ format: 7 })))).toBe('credentials[0].format');
    expect(malformedField(() => parseDcqlQuery(one({ meta: undefined })))).toBe(
      'credentials[0].meta',
    );
    expect(malformedField(() => parseDcqlQuery(one({ meta: {} })))).toBe(
      'credentials[0].meta.vct_values',
    );
    expect(
      malformedField(() =>
        parseDcqlQuery(one({ format: 'jwt_vc_json', meta: { type_values: [[]] } })),
      ),
    ).toBe('credentials[0].meta.type_values[0]');
    expect(malformedField(() => parseDcqlQuery(one({ multiple: 'yes' })))).toBe(
      'credentials[0].multiple',
    );
  });

  it('rejects bad claims and claim paths', () => {
    expect(malformedField(() => parseDcqlQuery(one({ claims: [] })))).toBe('credentials[0].claims');
    for (const path of [[], ['a', -1], ['a', 1.5], ['a', {}], 'given_name', ['a', true]]) {
      expect(malformedField(() => parseDcqlQuery(one({ claims: [{ path }] })))).toBe(
        'credentials[0].claims[0].path',
      );
    }
    expect(
      malformedField(() => parseDcqlQuery(one({ claims: [{ path: ['a'], values: [{}] }] }))),
    ).toBe('credentials[0].claims[0].values[0]');
    expect(
      malformedField(() =>
        parseDcqlQuery(
          one({
            claims: [
              { id: 'a', path: ['x'] },
              { id: 'a', path: ['y'] },
            ],
          }),
        ),
      ),
    ).toBe('credentials[0].claims[1].id');
  });

  it('rejects claim_sets without claims, without claim ids, or naming unknown claims', () => {
    expect(
      malformedField(() => parseDcqlQuery(one({ claims: undefined, claim_sets: [['a']] }))),
    ).toBe('credentials[0].claim_sets');
    expect(
      malformedField(() => parseDcqlQuery(one({ claims: [{ path: ['x'] }], claim_sets: [['a']] }))),
    ).toBe('credentials[0].claims[0].id');
    expect(malformedField(() => parseDcqlQuery(one({ claim_sets: [['b']] })))).toBe(
      'credentials[0].claim_sets[0][0]',
    );
    expect(malformedField(() => parseDcqlQuery(one({ claim_sets: [[]] })))).toBe(
      'credentials[0].claim_sets[0]',
    );
  });

  it('rejects duplicate credential ids and bad credential_sets', () => {
    expect(malformedField(() => parseDcqlQuery({ credentials: [good, good] }))).toBe(
      'credentials[1].id',
    );
    const withSets = (credential_sets: unknown): unknown => ({
      credentials: [good],
      credential_sets,
    });
    expect(malformedField(() => parseDcqlQuery(withSets([])))).toBe('credential_sets');
    expect(malformedField(() => parseDcqlQuery(withSets([{ options: [] }])))).toBe(
      'credential_sets[0].options',
    );
    expect(malformedField(() => parseDcqlQuery(withSets([{ options: [['nope']] }])))).toBe(
      'credential_sets[0].options[0][0]',
    );
    expect(
      malformedField(() => parseDcqlQuery(withSets([{ options: [['q']], required: 'no' }]))),
    ).toBe('credential_sets[0].required');
  });

  it('ignores unknown members (§6)', () => {
    const query = parseDcqlQuery({ credentials: [{ ...good, future: 1 }], extension: true });
    expect(query).not.toHaveProperty('extension');
    expect(query.credentials[0]).not.toHaveProperty('future');
  });
});
