import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { findVerificationMethod, hasRelationship, parseDidUrl } from '../../core/did/index.ts';
import type { DeviceChallenge } from '../../core/device-auth/challenge-response.ts';
import { DEVICE_AUTH_TYP } from '../../core/device-auth/challenge-response.ts';
import { decodeCompactJwsUnverified, verifyCompactJws } from '../../core/credentials/jws/index.ts';
import { publicKeyFromMultibase } from '../../core/keys/index.ts';
import type { StateReader } from '../../ledger/state/world-state.ts';
import { readDidRecord } from '../../ledger/registries/did-state.ts';
import { readDevice } from '../../ledger/registries/device-registry.ts';
import { didInput } from '../registry-queries/query-input.ts';
import { ChallengeStore } from './challenge-store.ts';
import type { ChallengeStoreOptions } from './challenge-store.ts';

/** What the service expects of the device answering. */
export interface DeviceExpectation {
  /** The service's own identifier: the response must name it as `aud`. */
  audience: string;
  /**
   * The nonce of the challenge this service obtained for this session: the response must
   * answer exactly it. Without it, any live challenge for the audience — one an attacker
   * asked for and had the device sign — would authenticate the attacker's session as the
   * device.
   */
  nonce: string;
  /** The organization DID the device must belong to. */
  controller: string;
}

/** An authenticated device. */
export interface AuthenticatedDevice {
  device: string;
  controller: string;
  /** The verification method that signed (`<device>#<fragment>`). */
  kid: string;
}

/** Longest response accepted (characters): a few hundred in practice. */
const MAX_RESPONSE_LENGTH = 4096;

/**
 * Device authentication for a service: it issues challenges and checks the answers against
 * the committed ledger — the device's current DID document (an `authentication` key), the
 * device registry (registered by the expected organization, not decommissioned) and the
 * DID's own controller list. Each refusal is a DdiError with a stable code and
 * `details.reason`.
 */
export class DeviceAuthenticator {
  readonly challenges: ChallengeStore;

  constructor(
    /** Committed ledger state (a node's `ledger.state`). */
    private readonly state: StateReader,
    options: ChallengeStoreOptions = {},
  ) {
    this.challenges = new ChallengeStore(options);
  }

  /** A fresh single-use challenge for the service `audience`. */
  issueChallenge(audience: string): DeviceChallenge {
    return this.challenges.issue(audience);
  }

  /** Checks a device's answer; consumes its challenge only when everything holds. */
  async verify(response: unknown, expect: DeviceExpectation): Promise<AuthenticatedDevice> {
    const controller = didInput(expect.controller, 'controller');
    ensure(
      typeof expect.audience === 'string' && expect.audience.length > 0,
      ErrorCode.Malformed,
      'audience is required',
    );
    ensure(
      typeof expect.nonce === 'string' && expect.nonce.length > 0,
      ErrorCode.Malformed,
      'nonce (of the challenge issued for this session) is required',
    );
    ensure(
      typeof response === 'string' && response.length <= MAX_RESPONSE_LENGTH,
      ErrorCode.Malformed,
      `response must be a compact JWS of at most ${MAX_RESPONSE_LENGTH} characters`,
    );
    const unverified = decodeCompactJwsUnverified(response);
    const { header, payload } = unverified;
    ensure(header.typ === DEVICE_AUTH_TYP, ErrorCode.Malformed, `typ must be ${DEVICE_AUTH_TYP}`, {
      reason: 'typ',
    });
    ensure(typeof payload.iss === 'string', ErrorCode.Malformed, 'iss must be the device DID');
    const device = didInput(payload.iss, 'iss');
    const kid = typeof header.kid === 'string' ? header.kid : '';
    const url = parseKid(kid);
    ensure(
      url.did === device && url.fragment,
      ErrorCode.Malformed,
      'kid must name a key of the device (iss#fragment)',
      { reason: 'kid' },
    );

    // The challenge: the one this session was given, issued here, live, unused, for this service.
    if (payload.nonce !== expect.nonce) {
      throw new DdiError(
        ErrorCode.ChallengeFailed,
        'the response answers another challenge than the one issued for this session',
        { reason: 'sessionNonce' },
      );
    }
    const challenge = this.challenges.peek(expect.nonce);
    if (payload.aud !== challenge.audience || challenge.audience !== expect.audience) {
      throw new DdiError(ErrorCode.ChallengeFailed, 'the response is for another audience', {
        reason: 'audience',
        expected: expect.audience,
      });
    }

    // The device, as the ledger has it now.
    const record = readDidRecord(this.state, device);
    if (!record) throw new DdiError(ErrorCode.NotFound, `${device} is not on the ledger`);
    if (record.deactivated || !record.content) {
      throw new DdiError(ErrorCode.Deactivated, `${device} is deactivated`, {
        reason: 'deactivated',
      });
    }
    const registration = readDevice(this.state, controller, device);
    if (!registration || !record.content.controller?.includes(controller)) {
      throw new DdiError(ErrorCode.Unauthorized, `${device} is not a device of ${controller}`, {
        reason: 'controller',
      });
    }
    if (registration.status === 'decommissioned') {
      throw new DdiError(ErrorCode.Deactivated, `${device} was decommissioned`, {
        reason: 'decommissioned',
        decommissioned: registration.decommissioned,
      });
    }
    const fragment = url.fragment!;
    const method = findVerificationMethod(record.content, fragment);
    if (!method || !hasRelationship(record.content, 'authentication', fragment)) {
      throw new DdiError(
        ErrorCode.UnknownKey,
        `${kid} is not an authentication key of ${device} now`,
        { reason: 'key' },
      );
    }
    const key = publicKeyFromMultibase(method.publicKeyMultibase);
    await verifyCompactJws(response, () => key);

    this.challenges.consume(challenge.nonce);
    return { device, controller, kid };
  }
}

function parseKid(kid: string): { did: string; fragment?: string } {
  try {
    return parseDidUrl(kid);
  } catch {
    throw new DdiError(ErrorCode.Malformed, 'kid must be a DID URL', { reason: 'kid' });
  }
}
