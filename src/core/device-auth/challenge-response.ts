import { signCompactJws } from '../credentials/jws/index.ts';
import type { JwsSigner } from '../credentials/jws/index.ts';

/**
 * Device authentication by challenge-response. A service hands out a fresh challenge; the
 * device answers with a compact JWS over it, signed by an `authentication` key of its DID:
 *
 *   header  { alg, typ: "ddi-device-auth+jwt", kid: "<device DID>#<key>" }
 *   payload { iss: "<device DID>", aud: <challenge.audience>, nonce: <challenge.nonce>, iat }
 *
 * The service checks it against the device's current DID document on the ledger.
 */
export interface DeviceChallenge {
  /** Random, single use: the service refuses a second answer to it. */
  nonce: string;
  /** Who asks (the service's identifier); the answer names it, so it cannot be relayed elsewhere. */
  audience: string;
  /** ISO 8601 time after which the challenge is refused. */
  expiresAt: string;
}

/** The JWS `typ` of a challenge response: it can never be taken for a credential or an ID token. */
export const DEVICE_AUTH_TYP = 'ddi-device-auth+jwt';

/** The device's answer to `challenge`, signed by its key `kid` (`<device DID>#<fragment>`). */
export function answerDeviceChallenge(
  challenge: DeviceChallenge,
  device: { did: string; keyId: string; signer: JwsSigner },
  now: Date = new Date(),
): string {
  return signCompactJws(
    { typ: DEVICE_AUTH_TYP, kid: `${device.did}#${device.keyId}` },
    {
      iss: device.did,
      aud: challenge.audience,
      nonce: challenge.nonce,
      iat: Math.floor(now.getTime() / 1000),
    },
    device.signer,
  );
}
