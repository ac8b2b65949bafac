import { describe, expect, it } from 'vitest';
import {
  parseResidentIdentityNumber,
  residentIdentityCheckCharacter,
} from '../../../src/core/identity/resident-identity-number.ts';
import { checkIdentityEvidence } from '../../../src/core/identity/identity-document.ts';
import { ageOn } from '../../../src/core/identity/calendar-date.ts';
import {
  identityCommitment,
  networkIdentityNumber,
} from '../../../src/core/identity/identity-commitment.ts';
import { DdiError } from '../../../src/core/errors.ts';

function reasonOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DdiError);
    expect((err as DdiError).code).toBe('malformed');
    return (err as DdiError).details?.reason ?? (err as DdiError).details?.field;
  }
  throw new Error('expected a refusal');
}

/** A valid number for a division, birth date and sequence (the check character computed). */
function withCheck(first17: string): string {
  return first17 + residentIdentityCheckCharacter(first17);
}

describe('GB 11643-1999 resident identity number', () => {
  it("accepts the standard's own examples and reads birth date, gender and region", () => {
    // GB 11643-1999 Annex: 11010519491231002X (Beijing Chaoyang, woman) and
    // 440524188001010014 (Guangdong Shantou, man, born 1880 — before our 1900 floor).
    const beijing = parseResidentIdentityNumber('11010519491231002X', '2026-11-25');
    expect(beijing).toEqual({
      number: '11010519491231002X',
      divisionCode: '110105',
      region: 'CN-BJ',
      birthDate: '1949-12-31',
      gender: 'female',
    });
    expect(residentIdentityCheckCharacter('44052418800101001')).toBe('4');
    expect(reasonOf(() => parseResidentIdentityNumber('440524188001010014'))).toBe('birthDate');
    const hk = parseResidentIdentityNumber(withCheck('81000019900101001'), '2026-11-25');
    expect(hk).toMatchObject({ region: 'CN-HK', gender: 'male' });
  });

  it('refuses each kind of wrong number with its reason', () => {
    expect(reasonOf(() => parseResidentIdentityNumber(110105194912310020))).toBe('type');
    expect(reasonOf(() => parseResidentIdentityNumber('11010519491231002'))).toBe('length');
    expect(reasonOf(() => parseResidentIdentityNumber('11010519491231002x'))).toBe('charset');
    expect(reasonOf(() => parseResidentIdentityNumber('110105194912310021'))).toBe(
      'checkCharacter',
    );
    expect(reasonOf(() => parseResidentIdentityNumber(withCheck('99010519491231002')))).toBe(
      'division',
    );
    expect(reasonOf(() => parseResidentIdentityNumber(withCheck('11010519490230002')))).toBe(
      'birthDate',
    );
    expect(
      reasonOf(() => parseResidentIdentityNumber(withCheck('11010520301231002'), '2026-11-25')),
    ).toBe('birthDate');
  });
});

describe('identity evidence', () => {
  it('completes a resident identity number from what the number states', () => {
    const checked = checkIdentityEvidence(
      { documentType: 'residentIdentityNumber', number: '11010519491231002X', name: ' 王芳 ' },
      '2026-11-25',
    );
    expect(checked).toEqual({
      documentType: 'residentIdentityNumber',
      number: '11010519491231002X',
      name: '王芳',
      birthDate: '1949-12-31',
      gender: 'female',
      nationality: 'CHN',
      region: 'CN-BJ',
      personKey: 'CHN:residentIdentityNumber:11010519491231002X',
    });
  });

  it('refuses typed facts that contradict the number', () => {
    const base = {
      documentType: 'residentIdentityNumber',
      number: '11010519491231002X',
      name: 'x',
    };
    expect(reasonOf(() => checkIdentityEvidence({ ...base, gender: 'male' }))).toBe('gender');
    expect(reasonOf(() => checkIdentityEvidence({ ...base, birthDate: '1949-12-30' }))).toBe(
      'birthDate',
    );
    expect(reasonOf(() => checkIdentityEvidence({ ...base, nationality: 'USA' }))).toBe(
      'nationality',
    );
  });

  it('checks passports and the Mainland travel permits by their formats', () => {
    const person = { name: 'Chan Tai Man', birthDate: '1990-05-06', gender: 'male' };
    expect(
      checkIdentityEvidence({
        ...person,
        documentType: 'passport',
        number: 'EA1234567',
        nationality: 'CHN',
      }),
    ).toMatchObject({ personKey: 'CHN:passport:EA1234567' });
    expect(
      checkIdentityEvidence({
        ...person,
        documentType: 'passport',
        number: 'X1234567',
        nationality: 'DEU',
      }),
    ).toMatchObject({ nationality: 'DEU', personKey: 'DEU:passport:X1234567' });
    expect(
      checkIdentityEvidence({ ...person, documentType: 'hkMacaoPermit', number: 'H12345678' }),
    ).toMatchObject({ region: 'CN-HK', nationality: 'CHN' });
    expect(
      checkIdentityEvidence({ ...person, documentType: 'hkMacaoPermit', number: 'M1234567801' }),
    ).toMatchObject({ region: 'CN-MO' });
    expect(
      checkIdentityEvidence({ ...person, documentType: 'taiwanPermit', number: '12345678' }),
    ).toMatchObject({ region: 'CN-TW' });

    // The Chinese passport's letter may not be I or O; other states' numbers are ICAO's 9.
    const refused = [
      { ...person, documentType: 'passport', number: 'EI1234567', nationality: 'CHN' },
      { ...person, documentType: 'passport', number: 'X12345678901', nationality: 'DEU' },
      { ...person, documentType: 'passport', number: 'X1234567', nationality: 'de' },
      { ...person, documentType: 'hkMacaoPermit', number: 'K12345678' },
      { ...person, documentType: 'taiwanPermit', number: '1234567' },
      { ...person, documentType: 'taiwanPermit', number: '12345678', birthDate: '1990-02-30' },
      { ...person, documentType: 'taiwanPermit', number: '12345678', gender: 'other' },
      { ...person, documentType: 'idCard', number: '12345678' },
      { ...person, documentType: 'taiwanPermit', number: '12345678', name: 'a\u0000b' },
      { ...person, documentType: 'taiwanPermit', number: '12345678', name: '' },
      { ...person, documentType: 'taiwanPermit', number: '12345678', photo: 'base64…' },
    ];
    for (const evidence of refused) {
      expect(() => checkIdentityEvidence(evidence)).toThrow(DdiError);
    }
  });

  it('keeps one person key across renewals of a travel permit (the renewal digits are not the person)', () => {
    const person = { name: 'Chan Tai Man', birthDate: '1990-05-06', gender: 'male' };
    const key = (documentType: string, number: string) =>
      checkIdentityEvidence({ ...person, documentType, number }).personKey;
    expect(key('hkMacaoPermit', 'H1234567801')).toBe(key('hkMacaoPermit', 'H12345678'));
    expect(key('hkMacaoPermit', 'H1234567802')).toBe(key('hkMacaoPermit', 'H12345678'));
    expect(key('taiwanPermit', '1234567801')).toBe(key('taiwanPermit', '12345678'));
    expect(key('hkMacaoPermit', 'H12345679')).not.toBe(key('hkMacaoPermit', 'H12345678'));
  });

  it('counts ages in whole years, a birthday counting on the day', () => {
    expect(ageOn('2008-11-25', '2026-11-24')).toBe(17);
    expect(ageOn('2008-11-25', '2026-11-25')).toBe(18);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
  });
});

describe('keyed identity commitments', () => {
  const key = new Uint8Array(32).fill(7);
  const otherKey = new Uint8Array(32).fill(8);
  const person = 'CHN:residentIdentityNumber:11010519491231002X';

  it('are stable under one key, unrelated under another, and differ by label', () => {
    const c = identityCommitment(key, person);
    expect(c).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(identityCommitment(key, person)).toBe(c);
    expect(identityCommitment(otherKey, person)).not.toBe(c);
    expect(identityCommitment(key, 'CHN:residentIdentityNumber:110105194912310036')).not.toBe(c);
    const id = networkIdentityNumber(key, person);
    expect(id).toMatch(/^N[A-Z2-7]{26}$/);
    expect(networkIdentityNumber(otherKey, person)).not.toBe(id);
    expect(c).not.toContain(id.slice(1));
  });

  it('refuses a key of the wrong size', () => {
    expect(() => identityCommitment(new Uint8Array(16), person)).toThrow(/32 bytes/);
  });
});
