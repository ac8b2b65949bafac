import { DdiError, ErrorCode } from '../errors.ts';
import { isValidCalendarDate } from './calendar-date.ts';
import { parseResidentIdentityNumber } from './resident-identity-number.ts';

/**
 * The identity documents an identity verification agency accepts, with their format checks.
 * A format check proves nothing about a person; it stops typos and junk before an
 * authoritative source is asked (see services/agency/identity-source.ts).
 *
 * - `residentIdentityNumber`: the GB 11643-1999 number of the resident identity card
 *   (居民身份证) and of the residence permits of Hong Kong, Macao and Taiwan residents
 *   (港澳台居民居住证, prefixes 81-83). Birth date, gender and region are read from it.
 * - `passport`: ICAO 9303 document number (up to 9 characters); Chinese ordinary passports
 *   are E + 8 digits, E + letter + 7 digits (since 2012) or G + 8 digits (older).
 * - `hkMacaoPermit`: Mainland Travel Permit for Hong Kong and Macao Residents
 *   (港澳居民来往内地通行证): H or M + 8 digits (+ 2 digits on cards before 2013).
 * - `taiwanPermit`: Mainland Travel Permit for Taiwan Residents (台湾居民来往大陆通行证):
 *   8 digits (10 on booklets before 2015).
 */
export const DOCUMENT_TYPES = [
  'residentIdentityNumber',
  'passport',
  'hkMacaoPermit',
  'taiwanPermit',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export type Gender = 'male' | 'female';

/** What a person submits: the document and the facts it states. */
export interface IdentityEvidence {
  documentType: DocumentType;
  number: string;
  name: string;
  /** Required unless the number states it (resident identity number). */
  birthDate?: string;
  gender?: Gender;
  /** ISO 3166-1 alpha-3; required for passports. */
  nationality?: string;
}

/** Evidence that passed the format checks, completed from what the number states. */
export interface CheckedIdentity {
  documentType: DocumentType;
  number: string;
  name: string;
  birthDate: string;
  gender: Gender;
  nationality: string;
  /** ISO 3166-2:CN region, when the document states one. */
  region?: string;
  /**
   * What "one person" means for uniqueness: the document type, issuing state and number. An
   * authoritative source may replace it with the person's resident identity number, so that a
   * passport and an identity card of one citizen are one person.
   */
  personKey: string;
}

const EVIDENCE_FIELDS = ['documentType', 'number', 'name', 'birthDate', 'gender', 'nationality'];
const MAX_NAME_LENGTH = 100;
const CN_PASSPORT = /^(E\d{8}|E[A-HJ-NP-Z]\d{7}|G\d{8})$/;
const ICAO_DOCUMENT_NUMBER = /^[A-Z0-9]{5,9}$/;
const HK_MACAO_PERMIT = /^[HM]\d{8}(\d{2})?$/;
const TAIWAN_PERMIT = /^(\d{8}|\d{10})$/;

function fail(field: string, message: string): never {
  throw new DdiError(ErrorCode.Malformed, `identity evidence: ${field} ${message}`, { field });
}

function nameField(value: unknown): string {
  if (typeof value !== 'string') fail('name', 'must be a string');
  const name = value.normalize('NFC').trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    fail('name', `must have 1 to ${MAX_NAME_LENGTH} characters`);
  }
  if (/[\p{Cc}\p{Cf}]/u.test(name)) fail('name', 'may not contain control characters');
  return name;
}

function dateField(value: unknown, today: string): string {
  if (typeof value !== 'string' || !isValidCalendarDate(value)) {
    fail('birthDate', 'must be a date YYYY-MM-DD');
  }
  if (value < '1900-01-01' || value > today) fail('birthDate', 'must be a past date');
  return value;
}

function genderField(value: unknown): Gender {
  if (value !== 'male' && value !== 'female') fail('gender', 'must be male or female');
  return value;
}

/** Checks the format of identity evidence; throws DdiError `malformed` naming the field. */
export function checkIdentityEvidence(
  value: unknown,
  today: string = new Date().toISOString().slice(0, 10),
): CheckedIdentity {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('', 'must be an object');
  }
  const e = value as Record<string, unknown>;
  for (const key of Object.keys(e)) {
    if (!EVIDENCE_FIELDS.includes(key)) fail(key, 'is not an evidence field');
  }
  if (!DOCUMENT_TYPES.includes(e.documentType as DocumentType)) {
    fail('documentType', `must be one of ${DOCUMENT_TYPES.join(', ')}`);
  }
  const documentType = e.documentType as DocumentType;
  if (typeof e.number !== 'string') fail('number', 'must be a string');
  const number = e.number;
  const name = nameField(e.name);

  if (documentType === 'residentIdentityNumber') {
    const parsed = parseResidentIdentityNumber(number, today);
    // What the person typed must agree with what the number states.
    if (e.birthDate !== undefined && e.birthDate !== parsed.birthDate) {
      fail('birthDate', 'does not match the identity number');
    }
    if (e.gender !== undefined && e.gender !== parsed.gender) {
      fail('gender', 'does not match the identity number');
    }
    if (e.nationality !== undefined && e.nationality !== 'CHN') {
      fail('nationality', 'of a resident identity number is CHN');
    }
    return {
      documentType,
      number,
      name,
      birthDate: parsed.birthDate,
      gender: parsed.gender,
      nationality: 'CHN',
      region: parsed.region,
      personKey: `CHN:residentIdentityNumber:${number}`,
    };
  }

  const birthDate = dateField(e.birthDate, today);
  const gender = genderField(e.gender);
  let nationality: string;
  let region: string | undefined;
  if (documentType === 'passport') {
    if (typeof e.nationality !== 'string' || !/^[A-Z]{3}$/.test(e.nationality)) {
      fail('nationality', 'must be an ISO 3166-1 alpha-3 code');
    }
    nationality = e.nationality;
    const pattern = nationality === 'CHN' ? CN_PASSPORT : ICAO_DOCUMENT_NUMBER;
    if (!pattern.test(number)) fail('number', `is not a ${nationality} passport number`);
  } else {
    if (e.nationality !== undefined && e.nationality !== 'CHN') {
      fail('nationality', `of a ${documentType} holder is CHN`);
    }
    nationality = 'CHN';
    if (documentType === 'hkMacaoPermit') {
      if (!HK_MACAO_PERMIT.test(number)) fail('number', 'is not a Hong Kong / Macao permit number');
      region = number.startsWith('H') ? 'CN-HK' : 'CN-MO';
    } else {
      if (!TAIWAN_PERMIT.test(number)) fail('number', 'is not a Taiwan permit number');
      region = 'CN-TW';
    }
  }
  return {
    documentType,
    number,
    name,
    birthDate,
    gender,
    nationality,
    ...(region ? { region } : {}),
    personKey: `${nationality}:${documentType}:${permanentPart(documentType, number)}`,
  };
}

/**
 * The part of a document number that stays with the person: the two digits some permits add
 * for each renewal (港澳 cards before 2013, 台胞 booklets before 2015) are not part of it, so a
 * renewed permit is the same person, not a second one.
 */
function permanentPart(documentType: DocumentType, number: string): string {
  if (documentType === 'hkMacaoPermit') return number.slice(0, 9);
  if (documentType === 'taiwanPermit') return number.slice(0, 8);
  return number;
}
