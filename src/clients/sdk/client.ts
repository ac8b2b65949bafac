import type { ResolutionOptions } from '../../core/did/index.ts';
import type { AddServiceParameters } from './actions/add-service.ts';
import { addService } from './actions/add-service.ts';
import type { CreateDidParameters } from './actions/create-did.ts';
import { createDid } from './actions/create-did.ts';
import type { DeactivateDidParameters } from './actions/deactivate-did.ts';
import { deactivateDid } from './actions/deactivate-did.ts';
import { getBlock } from './actions/get-block.ts';
import { getChainId } from './actions/get-chain-id.ts';
import { getNodeStatus } from './actions/get-node-status.ts';
import { getTransactionStatus } from './actions/get-transaction-status.ts';
import type { RecoverDidParameters } from './actions/recover-did.ts';
import { recoverDid } from './actions/recover-did.ts';
import type { RemoveServiceParameters } from './actions/remove-service.ts';
import { removeService } from './actions/remove-service.ts';
import { resolveDid } from './actions/resolve-did.ts';
import type { RotateKeyParameters } from './actions/rotate-key.ts';
import { rotateKey } from './actions/rotate-key.ts';
import type { SendTransactionParameters } from './actions/send-transaction.ts';
import { sendTransaction } from './actions/send-transaction.ts';
import type { SetControllersParameters } from './actions/set-controllers.ts';
import { setControllers } from './actions/set-controllers.ts';
import type { UpdateDidParameters } from './actions/update-did.ts';
import { updateDid } from './actions/update-did.ts';
import type { AccreditParameters } from './actions/accredit.ts';
import { accredit, prepareAccredit } from './actions/accredit.ts';
import type { SetAccreditationStatusParameters } from './actions/set-accreditation-status.ts';
import {
  prepareSetAccreditationStatus,
  setAccreditationStatus,
} from './actions/set-accreditation-status.ts';
import { suspendAccreditation } from './actions/suspend-accreditation.ts';
import { reinstateAccreditation } from './actions/reinstate-accreditation.ts';
import { revokeAccreditation } from './actions/revoke-accreditation.ts';
import type { BlocklistParameters } from './actions/blocklist.ts';
import { blocklist, prepareBlocklist } from './actions/blocklist.ts';
import type { SetGovernanceParameters } from './actions/set-governance.ts';
import { prepareSetGovernance, setGovernance } from './actions/set-governance.ts';
import type { RegisterTemplateParameters } from './actions/register-template.ts';
import { registerTemplate } from './actions/register-template.ts';
import type { RegisterOrganizationParameters } from './actions/register-organization.ts';
import {
  prepareRegisterOrganization,
  registerOrganization,
} from './actions/register-organization.ts';
import type { DeregisterOrganizationParameters } from './actions/deregister-organization.ts';
import {
  deregisterOrganization,
  prepareDeregisterOrganization,
} from './actions/deregister-organization.ts';
import type { SubmitTransactionParameters } from './actions/submit-transaction.ts';
import { submitTransaction } from './actions/submit-transaction.ts';
import { getGovernance } from './actions/get-governance.ts';
import { getAccreditation } from './actions/get-accreditation.ts';
import { listAccreditations } from './actions/list-accreditations.ts';
import type { CheckAccreditationQuery } from './actions/check-accreditation.ts';
import { checkAccreditation } from './actions/check-accreditation.ts';
import { getBlocklistEntry } from './actions/get-blocklist-entry.ts';
import { getTemplate } from './actions/get-template.ts';
import { getOrganization } from './actions/get-organization.ts';
import { getOrganizationOfDid } from './actions/get-organization-of-did.ts';
import type {
  FulfilDisclosureParameters,
  OrderDisclosureParameters,
  RegisterRealNameParameters,
} from './actions/real-name.ts';
import {
  fulfilDisclosure,
  getDisclosureOrder,
  getRealNameBinding,
  getRealNameRegistration,
  orderDisclosure,
  prepareOrderDisclosure,
  registerRealName,
} from './actions/real-name.ts';
import type { CreateStatusListParameters } from './actions/create-status-list.ts';
import { createStatusList } from './actions/create-status-list.ts';
import type {
  CredentialStatusEntryParameters,
  SetCredentialStatusParameters,
} from './actions/set-credential-status.ts';
import { setCredentialStatus } from './actions/set-credential-status.ts';
import { revokeCredential } from './actions/revoke-credential.ts';
import { suspendCredential } from './actions/suspend-credential.ts';
import { reinstateCredential } from './actions/reinstate-credential.ts';
import { getStatusList } from './actions/get-status-list.ts';
import { getCredentialStatus } from './actions/get-credential-status.ts';
import type { GrantConsentParameters } from './actions/grant-consent.ts';
import { grantConsent } from './actions/grant-consent.ts';
import type { EndConsentParameters } from './actions/revoke-consent.ts';
import { revokeConsent } from './actions/revoke-consent.ts';
import { renounceConsent } from './actions/renounce-consent.ts';
import { getConsent } from './actions/get-consent.ts';
import type { ListConsentsQuery } from './actions/list-consents.ts';
import { listConsents } from './actions/list-consents.ts';
import type { CheckConsentQuery } from './actions/check-consent.ts';
import { checkConsent } from './actions/check-consent.ts';
import type { AnchorAccessLogParameters } from './actions/anchor-access-log.ts';
import { anchorAccessLog } from './actions/anchor-access-log.ts';
import { getAuditAnchor } from './actions/get-audit-anchor.ts';
import type { VerifyAccessLogParameters } from './actions/verify-access-log.ts';
import { verifyAccessLog } from './actions/verify-access-log.ts';
import type { SubmitBatchParameters } from './actions/submit-batch.ts';
import { submitBatch } from './actions/submit-batch.ts';
import type {
  PrepareDevicesParameters,
  RegisterDevicesParameters,
} from './actions/register-devices.ts';
import { prepareDevices, registerDevices } from './actions/register-devices.ts';
import type { DecommissionDeviceParameters } from './actions/decommission-device.ts';
import { decommissionDevice } from './actions/decommission-device.ts';
import type { AuthenticateDeviceParameters } from './actions/authenticate-device.ts';
import { authenticateDevice } from './actions/authenticate-device.ts';
import { getDevice } from './actions/get-device.ts';
import { listDevices } from './actions/list-devices.ts';
import type { RegisterApplicationParameters } from './actions/register-application.ts';
import { prepareRegisterApplication, registerApplication } from './actions/register-application.ts';
import type { UpdateApplicationParameters } from './actions/update-application.ts';
import { prepareUpdateApplication, updateApplication } from './actions/update-application.ts';
import type { SetApplicationStatusParameters } from './actions/set-application-status.ts';
import {
  prepareSetApplicationStatus,
  setApplicationStatus,
} from './actions/set-application-status.ts';
import type { RequireApplicationAccreditationParameters } from './actions/require-application-accreditation.ts';
import type { SetApplicationBridgeParameters } from './actions/set-application-bridge.ts';
import {
  prepareSetApplicationBridge,
  setApplicationBridge,
} from './actions/set-application-bridge.ts';
import {
  prepareRequireApplicationAccreditation,
  requireApplicationAccreditation,
} from './actions/require-application-accreditation.ts';
import { getApplication } from './actions/get-application.ts';
import type { Role } from '../../ledger/registries/trust-registry.ts';
import type { Transport } from './transport.ts';

/** Every SDK action bound to one transport: `client.createDid({...})`. */
export function createClient(transport: Transport) {
  return {
    transport,
    createDid: (parameters: CreateDidParameters) => createDid(transport, parameters),
    updateDid: (parameters: UpdateDidParameters) => updateDid(transport, parameters),
    rotateKey: (parameters: RotateKeyParameters) => rotateKey(transport, parameters),
    addService: (parameters: AddServiceParameters) => addService(transport, parameters),
    removeService: (parameters: RemoveServiceParameters) => removeService(transport, parameters),
    setControllers: (parameters: SetControllersParameters) => setControllers(transport, parameters),
    recoverDid: (parameters: RecoverDidParameters) => recoverDid(transport, parameters),
    deactivateDid: (parameters: DeactivateDidParameters) => deactivateDid(transport, parameters),
    resolveDid: (did: string, options?: ResolutionOptions) => resolveDid(transport, did, options),
    getTransactionStatus: (id: string) => getTransactionStatus(transport, id),
    getBlock: (height?: number | 'latest') => getBlock(transport, height),
    getNodeStatus: () => getNodeStatus(transport),
    getChainId: () => getChainId(transport),
    sendTransaction: (parameters: SendTransactionParameters) =>
      sendTransaction(transport, parameters),
    submitTransaction: (parameters: SubmitTransactionParameters) =>
      submitTransaction(transport, parameters),

    accredit: (parameters: AccreditParameters) => accredit(transport, parameters),
    prepareAccredit: (parameters: AccreditParameters) => prepareAccredit(transport, parameters),
    setAccreditationStatus: (parameters: SetAccreditationStatusParameters) =>
      setAccreditationStatus(transport, parameters),
    prepareSetAccreditationStatus: (parameters: SetAccreditationStatusParameters) =>
      prepareSetAccreditationStatus(transport, parameters),
    suspendAccreditation: (parameters: Omit<SetAccreditationStatusParameters, 'status'>) =>
      suspendAccreditation(transport, parameters),
    reinstateAccreditation: (parameters: Omit<SetAccreditationStatusParameters, 'status'>) =>
      reinstateAccreditation(transport, parameters),
    revokeAccreditation: (parameters: Omit<SetAccreditationStatusParameters, 'status'>) =>
      revokeAccreditation(transport, parameters),
    blocklist: (parameters: BlocklistParameters) => blocklist(transport, parameters),
    prepareBlocklist: (parameters: BlocklistParameters) => prepareBlocklist(transport, parameters),
    setGovernance: (parameters: SetGovernanceParameters) => setGovernance(transport, parameters),
    prepareSetGovernance: (parameters: SetGovernanceParameters) =>
      prepareSetGovernance(transport, parameters),
    registerTemplate: (parameters: RegisterTemplateParameters) =>
      registerTemplate(transport, parameters),
    registerOrganization: (parameters: RegisterOrganizationParameters) =>
      registerOrganization(transport, parameters),
    prepareRegisterOrganization: (parameters: RegisterOrganizationParameters) =>
      prepareRegisterOrganization(transport, parameters),
    deregisterOrganization: (parameters: DeregisterOrganizationParameters) =>
      deregisterOrganization(transport, parameters),
    prepareDeregisterOrganization: (parameters: DeregisterOrganizationParameters) =>
      prepareDeregisterOrganization(transport, parameters),

    getGovernance: () => getGovernance(transport),
    getAccreditation: (id: string) => getAccreditation(transport, id),
    listAccreditations: (query: { subject: string; role?: Role }) =>
      listAccreditations(transport, query),
    checkAccreditation: (query: CheckAccreditationQuery) => checkAccreditation(transport, query),
    getBlocklistEntry: (did: string) => getBlocklistEntry(transport, did),
    getTemplate: (id: string, version?: number) => getTemplate(transport, id, version),
    getOrganization: (uscc: string) => getOrganization(transport, uscc),
    getOrganizationOfDid: (did: string) => getOrganizationOfDid(transport, did),
    registerRealName: (parameters: RegisterRealNameParameters) =>
      registerRealName(transport, parameters),
    orderDisclosure: (parameters: OrderDisclosureParameters) =>
      orderDisclosure(transport, parameters),
    prepareOrderDisclosure: (parameters: OrderDisclosureParameters) =>
      prepareOrderDisclosure(transport, parameters),
    fulfilDisclosure: (parameters: FulfilDisclosureParameters) =>
      fulfilDisclosure(transport, parameters),
    getRealNameBinding: (commitment: string) => getRealNameBinding(transport, commitment),
    getRealNameRegistration: (did: string) => getRealNameRegistration(transport, did),
    getDisclosureOrder: (orderId: string) => getDisclosureOrder(transport, orderId),

    createStatusList: (parameters: CreateStatusListParameters) =>
      createStatusList(transport, parameters),
    setCredentialStatus: (parameters: SetCredentialStatusParameters) =>
      setCredentialStatus(transport, parameters),
    revokeCredential: (parameters: CredentialStatusEntryParameters) =>
      revokeCredential(transport, parameters),
    suspendCredential: (parameters: CredentialStatusEntryParameters) =>
      suspendCredential(transport, parameters),
    reinstateCredential: (parameters: CredentialStatusEntryParameters) =>
      reinstateCredential(transport, parameters),
    getStatusList: (owner: string, listId: string) => getStatusList(transport, owner, listId),

    registerApplication: (parameters: RegisterApplicationParameters) =>
      registerApplication(transport, parameters),
    prepareRegisterApplication: (parameters: RegisterApplicationParameters) =>
      prepareRegisterApplication(transport, parameters),
    updateApplication: (parameters: UpdateApplicationParameters) =>
      updateApplication(transport, parameters),
    prepareUpdateApplication: (parameters: UpdateApplicationParameters) =>
      prepareUpdateApplication(transport, parameters),
    setApplicationStatus: (parameters: SetApplicationStatusParameters) =>
      setApplicationStatus(transport, parameters),
    prepareSetApplicationStatus: (parameters: SetApplicationStatusParameters) =>
      prepareSetApplicationStatus(transport, parameters),
    requireApplicationAccreditation: (parameters: RequireApplicationAccreditationParameters) =>
      requireApplicationAccreditation(transport, parameters),
    prepareRequireApplicationAccreditation: (
      parameters: RequireApplicationAccreditationParameters,
    ) => prepareRequireApplicationAccreditation(transport, parameters),
    setApplicationBridge: (parameters: SetApplicationBridgeParameters) =>
      setApplicationBridge(transport, parameters),
    prepareSetApplicationBridge: (parameters: SetApplicationBridgeParameters) =>
      prepareSetApplicationBridge(transport, parameters),
    getApplication: (did: string) => getApplication(transport, did),
    getCredentialStatus: (owner: string, listId: string, index: number) =>
      getCredentialStatus(transport, owner, listId, index),

    grantConsent: (parameters: GrantConsentParameters) => grantConsent(transport, parameters),
    revokeConsent: (parameters: EndConsentParameters) => revokeConsent(transport, parameters),
    renounceConsent: (parameters: EndConsentParameters) => renounceConsent(transport, parameters),
    getConsent: (grantId: string) => getConsent(transport, grantId),
    listConsents: (query: ListConsentsQuery) => listConsents(transport, query),
    checkConsent: (query: CheckConsentQuery) => checkConsent(transport, query),
    anchorAccessLog: (parameters: AnchorAccessLogParameters) =>
      anchorAccessLog(transport, parameters),
    getAuditAnchor: (holder: string, logId: string, sequence?: number) =>
      getAuditAnchor(transport, holder, logId, sequence),
    verifyAccessLog: (parameters: VerifyAccessLogParameters) =>
      verifyAccessLog(transport, parameters),
    submitBatch: (parameters: SubmitBatchParameters) => submitBatch(transport, parameters),
    prepareDevices: (parameters: PrepareDevicesParameters) => prepareDevices(transport, parameters),
    registerDevices: (parameters: RegisterDevicesParameters) =>
      registerDevices(transport, parameters),
    decommissionDevice: (parameters: DecommissionDeviceParameters) =>
      decommissionDevice(transport, parameters),
    getDevice: (controller: string, device: string) => getDevice(transport, controller, device),
    listDevices: (controller: string) => listDevices(transport, controller),
    authenticateDevice: (parameters: AuthenticateDeviceParameters) =>
      authenticateDevice(transport, parameters),
  };
}

/** A client made by createClient. */
export type DdiClient = ReturnType<typeof createClient>;
