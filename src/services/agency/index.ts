/** Identity verification agency: real-name registration, certificates, supervised disclosure. */
export { startAgency } from './server.ts';
export type { AgencyServerOptions, RunningAgency } from './server.ts';
export {
  AGENCY_ACCESS_LOG_ID,
  AgencyService,
  agencyTemplateIds,
  agencyTemplates,
  REVOCATION_REASONS,
} from './agency-service.ts';
export type { DisclosureResponse, RegistrationResult, RevocationReason } from './agency-service.ts';
export type { AgencyLedger, AgencyLedgerWriter } from './agency-ledger.ts';
export { AgencyStore, AGENCY_DB_FILE } from './agency-store.ts';
export type { AccessLogEntry } from './agency-store.ts';
export { DataCipher, DATA_KEY_BYTES } from './data-cipher.ts';
export { ASSURANCE_LEVELS, documentFormatSource } from './identity-source.ts';
export type {
  AssuranceLevel,
  IdentityCheckContext,
  IdentitySource,
  IdentitySourceAnswer,
} from './identity-source.ts';
export { TestIdentityRegister } from './test-identity-register.ts';
export type { TestOrganizationEntry, TestRegisterEntry } from './test-identity-register.ts';
export {
  ALWAYS_DISCLOSED,
  ORGANIZATION_CERTIFICATE_TYPE,
  PERSON_CERTIFICATE_TYPE,
} from './real-name-certificate.ts';
export { realNameVerificationContext } from './real-name-verification.ts';
