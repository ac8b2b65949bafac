import type { CredentialTemplate } from '../../core/templates/credential-template.ts';
import type { CheckedIdentity } from '../../core/identity/identity-document.ts';
import { DOCUMENT_TYPES } from '../../core/identity/identity-document.ts';
import { ageOn } from '../../core/identity/calendar-date.ts';
import { ASSURANCE_LEVELS } from './identity-source.ts';
import type { AssuranceLevel } from './identity-source.ts';

/** The credential types of the two certificates: what the regulator accredits agencies for. */
export const PERSON_CERTIFICATE_TYPE = 'RealNameIdentityCertificate';
export const ORGANIZATION_CERTIFICATE_TYPE = 'OrganizationRealNameCertificate';
export const PERSON_CERTIFICATE_TEMPLATE = 'ddi.realname.person';
export const ORGANIZATION_CERTIFICATE_TEMPLATE = 'ddi.realname.organization';

/**
 * Claims every presentation of a certificate shows: they say how the holder was verified,
 * not who they are. Everything else — including the network identity number, which is
 * stable for the person and would link their visits across applications — is selectively
 * disclosable and shown only when a verifier asks and the holder agrees.
 */
export const ALWAYS_DISCLOSED = ['real_name_verified', 'assurance_level'] as const;

const NETWORK_ID = { type: 'string', pattern: '^N[A-Z2-7]{26}$' };
const DATE = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' };

/** The person certificate's template (registered by each agency under its own DID). */
export function personCertificateTemplate(): CredentialTemplate {
  return {
    id: PERSON_CERTIFICATE_TEMPLATE,
    version: 1,
    credentialType: PERSON_CERTIFICATE_TYPE,
    schema: {
      type: 'object',
      properties: {
        real_name_verified: { const: true },
        assurance_level: { enum: [...ASSURANCE_LEVELS] },
        network_id: NETWORK_ID,
        name: { type: 'string', minLength: 1, maxLength: 100 },
        document_type: { enum: [...DOCUMENT_TYPES] },
        id_number: { type: 'string', minLength: 5, maxLength: 18 },
        birth_date: DATE,
        gender: { enum: ['male', 'female'] },
        nationality: { type: 'string', pattern: '^[A-Z]{3}$' },
        age_over_18: { type: 'boolean' },
        age_over_60: { type: 'boolean' },
        region: { type: 'string', pattern: '^CN-[A-Z]{2}$' },
      },
      required: [
        'real_name_verified',
        'assurance_level',
        'network_id',
        'name',
        'document_type',
        'id_number',
        'birth_date',
        'gender',
        'nationality',
        'age_over_18',
        'age_over_60',
      ],
      additionalProperties: false,
    },
    display: {
      'zh-CN': { name: '实名身份凭证', description: '经认可的身份核验机构签发的网络身份实名凭证' },
      en: {
        name: 'Real-name identity certificate',
        description: 'Issued by an accredited identity verification agency',
      },
    },
  };
}

/** The organization certificate's template. */
export function organizationCertificateTemplate(): CredentialTemplate {
  return {
    id: ORGANIZATION_CERTIFICATE_TEMPLATE,
    version: 1,
    credentialType: ORGANIZATION_CERTIFICATE_TYPE,
    schema: {
      type: 'object',
      properties: {
        real_name_verified: { const: true },
        assurance_level: { enum: [...ASSURANCE_LEVELS] },
        uscc: { type: 'string', pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$' },
        name: { type: 'string', minLength: 1, maxLength: 200 },
        organization_kind: { type: 'string', minLength: 1, maxLength: 40 },
        legal_representative_network_id: NETWORK_ID,
      },
      required: [
        'real_name_verified',
        'assurance_level',
        'uscc',
        'name',
        'legal_representative_network_id',
      ],
      additionalProperties: false,
    },
    display: {
      'zh-CN': { name: '机构实名凭证', description: '经认可的身份核验机构签发的机构实名凭证' },
      en: { name: 'Organization real-name certificate' },
    },
  };
}

/** The claims of a person's certificate on `today` (YYYY-MM-DD). */
export function personCertificateClaims(
  identity: CheckedIdentity,
  networkId: string,
  assurance: AssuranceLevel,
  today: string,
): Record<string, unknown> {
  const age = ageOn(identity.birthDate, today);
  return {
    real_name_verified: true,
    assurance_level: assurance,
    network_id: networkId,
    name: identity.name,
    document_type: identity.documentType,
    id_number: identity.number,
    birth_date: identity.birthDate,
    gender: identity.gender,
    nationality: identity.nationality,
    age_over_18: age >= 18,
    age_over_60: age >= 60,
    ...(identity.region ? { region: identity.region } : {}),
  };
}

/**
 * Seconds the certificate stays true: a year, or until the next birthday that changes
 * `age_over_18` or `age_over_60`, whichever comes first (the holder renews then).
 */
export function personCertificateLifetime(birthDate: string, now: Date): number {
  const year = 365 * 24 * 3600;
  let until = now.getTime() / 1000 + year;
  for (const age of [18, 60]) {
    const birthday = Date.parse(
      `${Number(birthDate.slice(0, 4)) + age}${birthDate.slice(4)}T00:00:00Z`,
    );
    // 29 February birthdays roll to 1 March in a common year, as ageOn counts them.
    const at = Number.isNaN(birthday)
      ? Date.parse(`${Number(birthDate.slice(0, 4)) + age}-03-01T00:00:00Z`)
      : birthday;
    if (at / 1000 > now.getTime() / 1000) until = Math.min(until, at / 1000);
  }
  return Math.max(60, Math.floor(until - now.getTime() / 1000));
}
