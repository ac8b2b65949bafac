/** The ddi SDK: actions over a transport (HTTP to a node, or in-process). */
export type {
  NodeStatus,
  SubmitTransactionOptions,
  Transport,
  TransactionStatus,
} from './transport.ts';
export type { DidOperationResult, WaitOptions } from './types.ts';
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

export { didSigner, signerParts } from './utils/did-signer.ts';
export type { DidSigner } from './utils/did-signer.ts';
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
