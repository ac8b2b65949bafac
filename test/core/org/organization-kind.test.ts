import { describe, expect, it } from 'vitest';
import { DdiError } from '../../../src/core/errors.ts';
import {
  isOrganizationKind,
  ORGANIZATION_KINDS,
  organizationKindOfUscc,
} from '../../../src/core/org/organization-kind.ts';
import type { OrganizationKind } from '../../../src/core/org/organization-kind.ts';
import { usccCheckCharacter } from '../../../src/core/org/unified-social-credit-code.ts';

/** A valid code with the given first two characters (the rest from the GB 32100 example). */
function codeWithPrefix(prefix: string): string {
  const first17 = `${prefix}350100M000100Y4`;
  return first17 + usccCheckCharacter(first17);
}

describe('organizationKindOfUscc', () => {
  it.each<[string, OrganizationKind]>([
    ['91310000735408592G', 'business'], // 三生国健, a listed company
    ['92310115MA1LAG5R9M', 'business'], // an individually-owned business
    ['11410182005291054B', 'governmentAgency'], // 荥阳市司法局
    ['12100000470095016Q', 'publicInstitution'], // 浙江大学
    ['53100000500019795A', 'socialOrganization'], // 中国社会福利基金会
    ['81440000742971228Y', 'other'], // a trade union
  ])('%s is a %s', (code, kind) => {
    expect(organizationKindOfUscc(code)).toBe(kind);
  });

  it.each<[string, OrganizationKind]>([
    ['11', 'governmentAgency'],
    ['12', 'publicInstitution'],
    ['13', 'other'],
    ['19', 'other'],
    ['31', 'other'],
    ['51', 'socialOrganization'],
    ['52', 'socialOrganization'],
    ['53', 'socialOrganization'],
    ['59', 'other'],
    ['91', 'business'],
    ['92', 'business'],
    ['93', 'business'],
    ['A1', 'publicInstitution'],
    ['N2', 'other'],
    ['Y1', 'other'],
  ])('maps prefix %s to %s', (prefix, kind) => {
    expect(organizationKindOfUscc(codeWithPrefix(prefix))).toBe(kind);
  });

  it('refuses an invalid code instead of guessing', () => {
    expect(() => organizationKindOfUscc('91310000735408592H')).toThrow(DdiError);
    expect(() => organizationKindOfUscc('91310000735408592H')).toThrow(/check character/);
  });
});

describe('isOrganizationKind', () => {
  it('accepts exactly the listed kinds', () => {
    for (const kind of ORGANIZATION_KINDS) expect(isOrganizationKind(kind)).toBe(true);
    for (const value of ['Business', 'company', '', undefined, 1]) {
      expect(isOrganizationKind(value)).toBe(false);
    }
  });
});
