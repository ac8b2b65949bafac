import { describe, expect, it } from 'vitest';
import { DdiError } from '../../../src/core/errors.ts';
import {
  isValidUscc,
  usccCheckCharacter,
  validateUscc,
} from '../../../src/core/org/unified-social-credit-code.ts';
import type { UsccReason } from '../../../src/core/org/unified-social-credit-code.ts';

// Real, published codes. Each also passes the GB 11714 check digit of positions 9-17.
const REAL_CODES: Array<[code: string, source: string]> = [
  // The worked example of GB 32100-2015 (a Fuzhou enterprise), as quoted with the MOD 31
  // algorithm at https://blog.csdn.net/hookee/article/details/50610168 and in the tests of
  // doly-dev/util-helpers (test/isUnifiedIdentifier.test.ts).
  ['91350100M000100Y43', 'GB 32100-2015 example'],
  // Listed companies: article 2 of their articles of association, filed with the exchange.
  ['91310000735408592G', '三生国健药业(上海)股份有限公司, SSE 688336, articles of 2025-08'],
  ['913100006987613616', '上海网达软件股份有限公司, SSE 603189, articles of 2024-08'],
  ['91440300192444086R', '深圳市海王生物工程股份有限公司, SZSE 000078, articles of 2023-12'],
  // Government agencies (机关).
  ['11140800558745220K', '晋中市文化和旅游局, purchaser in procurement sxhxy竞字〔2022〕1008'],
  ['11410182005291054B', '荥阳市司法局, party to ruling (2019)豫01行终492号 (郑州中院)'],
  // Public institutions (事业单位): payee or buyer in documents the universities issued.
  ['12100000470095016Q', '浙江大学, payee in its tender for scrapped library material'],
  ['12100000425006117P', '复旦大学, buyer on a China Railway e-ticket'],
  // Social organizations (民政).
  ['53100000500019795A', '中国社会福利基金会, registration details published by the foundation'],
  // A grassroots trade union (authority 8, from the later category list).
  ['81440000742971228Y', '中共广东省委宣传部机关工会委员会, published registration details'],
  // From the "found online" list in arthurdejong/python-stdnum tests/test_cn_uscc.doctest:
  // a public institution with a digit check character, and two codes whose C18 is 31 → '0'.
  ['121200004013590816', 'python-stdnum test_cn_uscc.doctest'],
  ['91620105L015101280', 'python-stdnum test_cn_uscc.doctest'],
  ['92340604MA2PENA300', 'python-stdnum test_cn_uscc.doctest'],
  // An individually-owned business (个体工商户), doly-dev/util-helpers tests.
  ['92310115MA1LAG5R9M', 'doly-dev/util-helpers test/isUnifiedIdentifier.test.ts'],
];

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function reasonOf(fn: () => unknown): UsccReason | string | undefined {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof DdiError)) return `not a DdiError: ${String(error)}`;
    expect(error.code).toBe('malformed');
    return error.details?.reason as UsccReason;
  }
  return undefined;
}

describe('validateUscc', () => {
  it.each(REAL_CODES)('accepts %s (%s)', (code) => {
    expect(validateUscc(code)).toBe(code);
    expect(isValidUscc(code)).toBe(true);
    expect(validateUscc(code, { checkOrganizationCode: true })).toBe(code);
  });

  it.each(REAL_CODES)('rejects every single-character substitution of %s', (code) => {
    for (let i = 0; i < 18; i++) {
      for (const char of CHARSET) {
        if (char === code[i]) continue;
        const changed = code.slice(0, i) + char + code.slice(i + 1);
        expect(isValidUscc(changed), changed).toBe(false);
        // Where the structure is still valid it is the check character that catches it.
        if (i >= 8)
          expect(
            reasonOf(() => validateUscc(changed)),
            changed,
          ).toBe('checkCharacter');
      }
    }
  });

  it('rejects a swap of two adjacent characters', () => {
    const code = '91310000735408592G';
    for (let i = 8; i < 16; i++) {
      if (code[i] === code[i + 1]) continue;
      const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
      expect(
        reasonOf(() => validateUscc(swapped)),
        swapped,
      ).toBe('checkCharacter');
    }
  });

  it('rejects wrong lengths', () => {
    for (const value of ['', '91350100M000100Y4', '91350100M000100Y430', ' 91350100M000100Y43']) {
      expect(
        reasonOf(() => validateUscc(value)),
        JSON.stringify(value),
      ).toBe('length');
    }
  });

  it('rejects non-strings', () => {
    for (const value of [undefined, null, 91350100, ['91350100M000100Y43'], {}]) {
      expect(reasonOf(() => validateUscc(value))).toBe('type');
      expect(isValidUscc(value)).toBe(false);
    }
  });

  it('rejects characters outside the code alphabet, lowercase included', () => {
    // I, O, S, V and Z are excluded by GB 32100; so are lowercase letters and punctuation.
    for (const char of ['I', 'O', 'S', 'V', 'Z', 'y', '-', ' ', '０']) {
      const value = `91350100M000100${char}43`;
      expect(
        reasonOf(() => validateUscc(value)),
        value,
      ).toBe('charset');
    }
    expect(reasonOf(() => validateUscc('91350100m000100y43'))).toBe('charset');
    expect(() => validateUscc('91350100m000100y43')).toThrow(/uppercase/);
  });

  it('rejects registration authority and category pairs the standard does not define', () => {
    for (const prefix of ['94', '99', '14', '54', '55', 'Y2', 'B1', '01', 'A2', 'N4']) {
      const first17 = `${prefix}350100M000100Y4`;
      const value = first17 + usccCheckCharacter(first17);
      expect(
        reasonOf(() => validateUscc(value)),
        value,
      ).toBe('category');
    }
    for (const prefix of ['11', '12', '13', '19', '21', '35', '51', '53', '72', '81', '93']) {
      const first17 = `${prefix}350100M000100Y4`;
      expect(isValidUscc(first17 + usccCheckCharacter(first17)), prefix).toBe(true);
    }
    for (const prefix of ['A1', 'A9', 'N1', 'N9', 'Y1']) {
      const first17 = `${prefix}350100M000100Y4`;
      expect(isValidUscc(first17 + usccCheckCharacter(first17)), prefix).toBe(true);
    }
  });

  it('rejects a division code that is not six digits', () => {
    const first17 = '9135A100M000100Y4';
    const value = first17 + usccCheckCharacter(first17);
    expect(reasonOf(() => validateUscc(value))).toBe('division');
  });

  it('checks the GB 11714 digit of positions 9-17 only when asked', () => {
    // Position 17 of the standard's example changed and C18 recomputed: only GB 11714 objects.
    const first17 = '91350100M000100Y5';
    const value = first17 + usccCheckCharacter(first17);
    expect(validateUscc(value)).toBe(value);
    expect(reasonOf(() => validateUscc(value, { checkOrganizationCode: true }))).toBe(
      'organizationCode',
    );
    // Accepted as real by doly-dev/util-helpers, though its embedded digit should be '1'.
    expect(isValidUscc('911101005JLR20JR60')).toBe(true);
    expect(isValidUscc('911101005JLR20JR60', { checkOrganizationCode: true })).toBe(false);
  });

  it('rejects Xiamen pilot codes whose check character predates the standard', () => {
    // Live code of a Xiamen company registered before 2016 (hutool issue #4119): the standard's
    // check fails, and ddi follows the standard. Such organizations need a manual path.
    expect(reasonOf(() => validateUscc('91350203M0001QKT19'))).toBe('checkCharacter');
  });
});

describe('usccCheckCharacter', () => {
  it.each(REAL_CODES)('reproduces the last character of %s', (code) => {
    expect(usccCheckCharacter(code.slice(0, 17))).toBe(code[17]);
  });

  it('rejects input that is not 17 code characters', () => {
    expect(reasonOf(() => usccCheckCharacter('91350100M000100Y'))).toBe('length');
    expect(reasonOf(() => usccCheckCharacter('91350100M000100YI'))).toBe('charset');
    expect(reasonOf(() => usccCheckCharacter(17 as unknown as string))).toBe('type');
  });
});
