/** The ddi SDK: actions over a transport (HTTP to a node, or in-process). */
export type {
  NodeStatus,
  SubmitTransactionOptions,
  Transport,
  TransactionStatus,
} from './transport.ts';
export type { DidOperationResult, TransactionResult, WaitOptions } from './types.ts';
export { httpTransport } from './transports/http.ts';
export type { HttpTransportOptions } from './transports/http.ts';
export { inProcessTransport } from './transports/in-process.ts';
export { createClient } from './client.ts';
export type { DdiClient } from './client.ts';

export { createDid, prepareCreateDid } from './actions/create-did.ts';
export type { CreateDidParameters } from './actions/create-did.ts';
export { updateDid } from './actions/update-did.ts';
export type { DocumentChange, UpdateDidParameters } from './actions/update-did.ts';
export { rotateKey } from './actions/rotate-key.ts';
export type { RotateKeyParameters } from './actions/rotate-key.ts';
export { addService } from './actions/add-service.ts';
export type { AddServiceParameters } from './actions/add-service.ts';
export { removeService } from './actions/remove-service.ts';
export type { RemoveServiceParameters } from './actions/remove-service.ts';
export { setControllers } from './actions/set-controllers.ts';
export type { SetControllersParameters } from './actions/set-controllers.ts';
export { recoverDid } from './actions/recover-did.ts';
export type { RecoverDidParameters } from './actions/recover-did.ts';
export { deactivateDid } from './actions/deactivate-did.ts';
export type { DeactivateDidParameters } from './actions/deactivate-did.ts';
export { resolveDid } from './actions/resolve-did.ts';
export { getTransactionStatus } from './actions/get-transaction-status.ts';
export { getBlock } from './actions/get-block.ts';
export { getNodeStatus } from './actions/get-node-status.ts';
export { getChainId } from './actions/get-chain-id.ts';
export { sendTransaction } from './actions/send-transaction.ts';
export type { SendTransactionParameters } from './actions/send-transaction.ts';
export { submitTransaction } from './actions/submit-transaction.ts';
export type { SubmitTransactionParameters } from './actions/submit-transaction.ts';

export { accredit, prepareAccredit } from './actions/accredit.ts';
export type { AccreditParameters } from './actions/accredit.ts';
export {
  prepareSetAccreditationStatus,
  setAccreditationStatus,
} from './actions/set-accreditation-status.ts';
export type { SetAccreditationStatusParameters } from './actions/set-accreditation-status.ts';
export { suspendAccreditation } from './actions/suspend-accreditation.ts';
export { reinstateAccreditation } from './actions/reinstate-accreditation.ts';
export { revokeAccreditation } from './actions/revoke-accreditation.ts';
export { blocklist, prepareBlocklist } from './actions/blocklist.ts';
export type { BlocklistParameters } from './actions/blocklist.ts';
export { prepareSetGovernance, setGovernance } from './actions/set-governance.ts';
export type { SetGovernanceParameters } from './actions/set-governance.ts';
export { registerTemplate } from './actions/register-template.ts';
export type { RegisterTemplateParameters } from './actions/register-template.ts';
export {
  prepareRegisterOrganization,
  registerOrganization,
} from './actions/register-organization.ts';
export type { RegisterOrganizationParameters } from './actions/register-organization.ts';
export {
  deregisterOrganization,
  prepareDeregisterOrganization,
} from './actions/deregister-organization.ts';
export type { DeregisterOrganizationParameters } from './actions/deregister-organization.ts';
export { prepareRegisterApplication, registerApplication } from './actions/register-application.ts';
export type { RegisterApplicationParameters } from './actions/register-application.ts';
export { prepareUpdateApplication, updateApplication } from './actions/update-application.ts';
export type { UpdateApplicationParameters } from './actions/update-application.ts';
export {
  prepareSetApplicationStatus,
  setApplicationStatus,
} from './actions/set-application-status.ts';
export type { SetApplicationStatusParameters } from './actions/set-application-status.ts';
export {
  prepareRequireApplicationAccreditation,
  requireApplicationAccreditation,
} from './actions/require-application-accreditation.ts';
export type { RequireApplicationAccreditationParameters } from './actions/require-application-accreditation.ts';
export {
  prepareSetApplicationBridge,
  setApplicationBridge,
} from './actions/set-application-bridge.ts';
export type { SetApplicationBridgeParameters } from './actions/set-application-bridge.ts';
export { getApplication } from './actions/get-application.ts';
export { getGovernance } from './actions/get-governance.ts';
export { getAccreditation } from './actions/get-accreditation.ts';
export { listAccreditations } from './actions/list-accreditations.ts';
export { checkAccreditation } from './actions/check-accreditation.ts';
export type { CheckAccreditationQuery } from './actions/check-accreditation.ts';
export { getBlocklistEntry } from './actions/get-blocklist-entry.ts';
export { getTemplate } from './actions/get-template.ts';
export { getOrganization } from './actions/get-organization.ts';
export { getOrganizationOfDid } from './actions/get-organization-of-did.ts';
export { agencyLedgerWriter } from './utils/agency-ledger-writer.ts';
export {
  fulfilDisclosure,
  getDisclosureOrder,
  getRealNameBinding,
  getRealNameRegistration,
  orderDisclosure,
  prepareOrderDisclosure,
  prepareRegisterRealName,
  registerRealName,
} from './actions/real-name.ts';
export type {
  FulfilDisclosureParameters,
  OrderDisclosureParameters,
  RegisterRealNameParameters,
} from './actions/real-name.ts';
export { createStatusList } from './actions/create-status-list.ts';
export type {
  CreateStatusListParameters,
  CreateStatusListResult,
} from './actions/create-status-list.ts';
export { setCredentialStatus } from './actions/set-credential-status.ts';
export type {
  CredentialStatusChange,
  CredentialStatusEntryParameters,
  SetCredentialStatusParameters,
} from './actions/set-credential-status.ts';
export { revokeCredential } from './actions/revoke-credential.ts';
export { suspendCredential } from './actions/suspend-credential.ts';
export { reinstateCredential } from './actions/reinstate-credential.ts';
export { getStatusList } from './actions/get-status-list.ts';
export { getCredentialStatus } from './actions/get-credential-status.ts';
export type {
  CredentialStatusName,
  StatusEntryView,
  StatusListView,
} from '../../services/registry-queries/status-list-query.ts';
export type {
  BlocklistStatus,
  TrustCheckAnswer,
  TrustCheckQuery,
} from '../../services/registry-queries/trust-queries.ts';

export { grantConsent } from './actions/grant-consent.ts';
export type { GrantConsentParameters, GrantConsentResult } from './actions/grant-consent.ts';
export { revokeConsent } from './actions/revoke-consent.ts';
export type { EndConsentParameters } from './actions/revoke-consent.ts';
export { renounceConsent } from './actions/renounce-consent.ts';
export { getConsent } from './actions/get-consent.ts';
export { listConsents } from './actions/list-consents.ts';
export type { ListConsentsQuery } from './actions/list-consents.ts';
export { checkConsent } from './actions/check-consent.ts';
export type { CheckConsentQuery } from './actions/check-consent.ts';
export { anchorAccessLog } from './actions/anchor-access-log.ts';
export type { AnchorAccessLogParameters } from './actions/anchor-access-log.ts';
export { getAuditAnchor } from './actions/get-audit-anchor.ts';
export { verifyAccessLog } from './actions/verify-access-log.ts';
export type { VerifyAccessLogParameters } from './actions/verify-access-log.ts';
export type {
  ConsentCheckQuery,
  ConsentDecision,
  ConsentPage,
} from '../../services/registry-queries/consent-query.ts';
export type { ConsentGrant } from '../../ledger/registries/consent-registry.ts';
export type { AuditAnchor } from '../../ledger/registries/audit-anchor-registry.ts';
// What a data holder runs beside the SDK: its access log and the gate in front of its data.
export { AccessLog } from '../../services/consent/access-log.ts';
export type { AccessAttempt, AccessLogHead } from '../../services/consent/access-log.ts';
export { DataAccessGate } from '../../services/consent/data-access-gate.ts';
export type {
  AccessRequest,
  ConsentLedger,
  DataAccessGateOptions,
  GateDecision,
} from '../../services/consent/data-access-gate.ts';
// What a grantee signs to ask the gate: a DID authentication proof over the gate's challenge.
export { signDidAuthProof } from '../../services/did-auth/did-auth-proof.ts';
export type { AccessLogEntry, SegmentVerification } from '../../core/consent/access-log-chain.ts';
export { DATA_CATEGORIES, DATA_CATEGORY_NAMES } from '../../core/consent/data-categories.ts';
export type { DataCategory } from '../../core/consent/data-categories.ts';
export { BATCH_REQUEST_SIZE, submitBatch } from './actions/submit-batch.ts';
export type { SubmitBatchParameters } from './actions/submit-batch.ts';
export { prepareDevices, registerDevices } from './actions/register-devices.ts';
export type {
  DeviceFailure,
  PrepareDevicesParameters,
  PreparedDevice,
  RegisterDevicesParameters,
  RegisterDevicesResult,
} from './actions/register-devices.ts';
export { decommissionDevice } from './actions/decommission-device.ts';
export type {
  DecommissionDeviceParameters,
  DecommissionDeviceResult,
} from './actions/decommission-device.ts';
export { getDevice } from './actions/get-device.ts';
export { listDevices } from './actions/list-devices.ts';
export { answerDeviceChallenge } from './actions/answer-device-challenge.ts';
export { authenticateDevice } from './actions/authenticate-device.ts';
export type { AuthenticateDeviceParameters } from './actions/authenticate-device.ts';
export type { DeviceChallenge } from '../../core/device-auth/challenge-response.ts';
export type { DeviceRecord } from '../../ledger/registries/device-registry.ts';

export { didSigner, signerParts } from './utils/did-signer.ts';
export type { DidSigner } from './utils/did-signer.ts';
export {
  governanceKeyIdsOf,
  governanceSigners,
  isGovernanceSigners,
  signGovernanceTransaction,
} from './utils/governance-signers.ts';
export type { GovernanceSigners, RegistrySigner } from './utils/governance-signers.ts';
export {
  DEFAULT_SIGNING_RELATIONSHIPS,
  documentContent,
  nextKeyFragment,
  replaceVerificationMethod,
  verificationMethodFor,
  withControllers,
  withService,
  withoutService,
} from './utils/document.ts';

export { LightClient, trustAnchorFromGenesis } from './light-client.ts';
export type { LightClientOptions, TrustAnchor, Verified } from './light-client.ts';
export { submitUntilFinal } from './actions/submit-until-final.ts';
export type { SubmitUntilFinalOptions } from './actions/submit-until-final.ts';
