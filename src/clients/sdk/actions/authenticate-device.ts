import type { AuthenticatedDevice } from '../../../services/device-auth/device-authenticator.ts';
import type { Transport } from '../transport.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { answerDeviceChallenge } from './answer-device-challenge.ts';

export interface AuthenticateDeviceParameters {
  /** The device's authentication key. */
  signer: DidSigner;
  /** The service's identifier the challenge is for. */
  audience: string;
  /** The organization the service expects the device to belong to. */
  controller: string;
}

/**
 * One challenge-response round against a node's device-authentication routes: ask for a
 * challenge, answer it with the device key, have the node check the answer.
 */
export async function authenticateDevice(
  transport: Transport,
  parameters: AuthenticateDeviceParameters,
): Promise<AuthenticatedDevice & { response: string }> {
  const challenge = await transport.deviceChallenge(parameters.audience);
  const response = answerDeviceChallenge(challenge, parameters.signer);
  const result = await transport.verifyDeviceResponse(response, {
    audience: parameters.audience,
    nonce: challenge.nonce,
    controller: parameters.controller,
  });
  return { ...result, response };
}
