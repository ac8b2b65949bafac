import { answerDeviceChallenge as signAnswer } from '../../../core/device-auth/challenge-response.ts';
import type { DeviceChallenge } from '../../../core/device-auth/challenge-response.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { signerParts } from '../utils/did-signer.ts';

/**
 * The device side of authentication: signs a service's challenge with the device's key
 * (`signer.kid` = `<device DID>#<authentication key>`). Pure: no network.
 */
export function answerDeviceChallenge(
  challenge: DeviceChallenge,
  signer: DidSigner,
  now?: Date,
): string {
  const { did, fragment } = signerParts(signer);
  return signAnswer(
    challenge,
    {
      did,
      keyId: fragment,
      signer: { type: signer.keyPair.type, privateKey: signer.keyPair.privateKey },
    },
    now,
  );
}
