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
  };
}

/** A client made by createClient. */
export type DdiClient = ReturnType<typeof createClient>;
