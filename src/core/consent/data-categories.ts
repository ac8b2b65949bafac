/**
 * The data categories a holder grants access to. One small vocabulary, so that a grant, a
 * check and an audit entry all name a category the same way. The sensitive ones are those of
 * PIPL (Personal Information Protection Law) art. 28; art. 29 requires the individual's
 * separate consent for them, so a grant that covers one covers nothing else.
 */
export const DATA_CATEGORIES = {
  'identity.basic': { sensitive: false, label: 'name, gender, date of birth, nationality' },
  'identity.verified': {
    sensitive: false,
    label: 'real-name verification status and age thresholds (no identity numbers)',
  },
  contact: { sensitive: false, label: 'phone number, email address, postal address' },
  profile: { sensitive: false, label: 'account profile and preferences' },
  education: { sensitive: false, label: 'schools, degrees, qualifications' },
  employment: { sensitive: false, label: 'employer, position, work history' },
  device: { sensitive: false, label: 'device identifiers and settings' },
  biometric: { sensitive: true, label: 'face, fingerprint, voiceprint, iris (PIPL art. 28)' },
  religion: { sensitive: true, label: 'religious beliefs (PIPL art. 28)' },
  'identity.specific': {
    sensitive: true,
    label: 'identity document numbers and specific identities (PIPL art. 28)',
  },
  health: { sensitive: true, label: 'medical and health records (PIPL art. 28)' },
  financial: { sensitive: true, label: 'financial accounts and transactions (PIPL art. 28)' },
  location: { sensitive: true, label: 'location tracking, whereabouts (PIPL art. 28)' },
  minor: {
    sensitive: true,
    label: 'personal information of a minor under 14 (PIPL art. 28, 31)',
  },
} as const satisfies Record<string, { sensitive: boolean; label: string }>;

export type DataCategory = keyof typeof DATA_CATEGORIES;

/** Every category, in the vocabulary's order. */
export const DATA_CATEGORY_NAMES = Object.keys(DATA_CATEGORIES) as DataCategory[];

/** Whether `value` is a category of the vocabulary. */
export function isDataCategory(value: unknown): value is DataCategory {
  return typeof value === 'string' && Object.hasOwn(DATA_CATEGORIES, value);
}

/** Whether a category is sensitive personal information (a grant of its own). */
export function isSensitiveCategory(category: DataCategory): boolean {
  return DATA_CATEGORIES[category].sensitive;
}
