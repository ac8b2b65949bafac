import { DdiError, ErrorCode } from '../errors.ts';
import { isValidCalendarDate } from './calendar-date.ts';
import { PROVINCES } from './provinces.ts';

/**
 * The citizen identification number of GB 11643-1999 (公民身份号码), printed on the resident
 * identity card and, since 2018, on the residence permits of Hong Kong, Macao and Taiwan
 * residents (regions 81, 82, 83):
 *   1-6    administrative division of the place of registration (GB/T 2260)
 *   7-14   birth date, YYYYMMDD
 *   15-17  sequence code; the 17th digit is odd for men, even for women
 *   18     check character over 1-17 (ISO 7064 MOD 11-2; 10 is written X)
 *
 * Canonical spelling only (uppercase X, no spaces): the number is keyed into commitments,
 * where two spellings of one person would be two people.
 */
export interface ResidentIdentityNumber {
  number: string;
  /** The six-digit division code of the place of registration. */
  divisionCode: string;
  /** ISO 3166-2 code of the province-level division, e.g. `CN-BJ`. */
  region: string;
  /** ISO 8601 date, `YYYY-MM-DD`. */
  birthDate: string;
  gender: 'male' | 'female';
}

/** Why a value is not a valid number (`details.reason` of the DdiError). */
export type ResidentIdentityNumberReason =
  'type' | 'length' | 'charset' | 'division' | 'birthDate' | 'checkCharacter';

// W_i = 2^(18-i) mod 11 for i = 1..17.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

function fail(reason: ResidentIdentityNumberReason, message: string): never {
  throw new DdiError(ErrorCode.Malformed, `resident identity number: ${message}`, { reason });
}

/** The check character of the first 17 digits. */
export function residentIdentityCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARACTERS[sum % 11]!;
}

/**
 * Parses and checks a resident identity number; throws DdiError `malformed` with
 * `details.reason`. `today` (YYYY-MM-DD) bounds the birth date; no one is born in the future.
 */
export function parseResidentIdentityNumber(
  value: unknown,
  today: string = new Date().toISOString().slice(0, 10),
): ResidentIdentityNumber {
  if (typeof value !== 'string') fail('type', 'must be a string');
  if (value.length !== 18) fail('length', 'must be 18 characters');
  if (!/^\d{17}[\dX]$/.test(value)) fail('charset', 'must be 17 digits and a digit or X');
  const region = PROVINCES[value.slice(0, 2)];
  if (region === undefined) fail('division', 'the first two digits are not a province-level code');
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isValidCalendarDate(birthDate) || birthDate < '1900-01-01' || birthDate > today) {
    fail('birthDate', 'the birth date it holds is not a valid past date');
  }
  if (residentIdentityCheckCharacter(value) !== value[17]) {
    fail('checkCharacter', 'the check character does not match');
  }
  return {
    number: value,
    divisionCode: value.slice(0, 6),
    region,
    birthDate,
    gender: Number(value[16]) % 2 === 1 ? 'male' : 'female',
  };
}
