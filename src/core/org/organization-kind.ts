import { validateUscc } from './unified-social-credit-code.ts';

/** The kinds of organization ddi registers. */
export const ORGANIZATION_KINDS = [
  'business',
  'governmentAgency',
  'publicInstitution',
  'socialOrganization',
  'other',
] as const;

export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

/** True if `value` is one of ORGANIZATION_KINDS. */
export function isOrganizationKind(value: unknown): value is OrganizationKind {
  return (ORGANIZATION_KINDS as readonly unknown[]).includes(value);
}

/**
 * Registration authority + organization category → kind, only where GB 32100 names the
 * category plainly. Everything else is 'other' rather than a guess: law firms, notaries,
 * religious venues, trade unions, rural collectives, foreign representative offices, the
 * people's organizations 中央编办 manages (13) and every "其他" (x9) category.
 */
const KIND_BY_PREFIX: Readonly<Record<string, OrganizationKind>> = {
  '11': 'governmentAgency', // 机构编制 · 机关
  '12': 'publicInstitution', // 机构编制 · 事业单位
  '51': 'socialOrganization', // 民政 · 社会团体
  '52': 'socialOrganization', // 民政 · 民办非企业单位 (社会服务机构)
  '53': 'socialOrganization', // 民政 · 基金会
  '91': 'business', // 工商 · 企业
  '92': 'business', // 工商 · 个体工商户
  '93': 'business', // 工商 · 农民专业合作社
  A1: 'publicInstitution', // 中央军委改革和编制办公室 · 军队事业单位
};

/** The kind of organization a valid unified social credit code belongs to; throws `malformed`. */
export function organizationKindOfUscc(code: string): OrganizationKind {
  return KIND_BY_PREFIX[validateUscc(code).slice(0, 2)] ?? 'other';
}
