import { randomBytes } from 'node:crypto';
import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import type { DeviceChallenge } from '../../core/device-auth/challenge-response.ts';

export interface ChallengeStoreOptions {
  /** How long a challenge may be answered, in ms (default 2 minutes). */
  ttlMs?: number;
  /** Most challenges outstanding at once; beyond it new ones are refused (`unavailable`). */
  capacity?: number;
  /**
   * Most challenges outstanding for one audience (default 10,000). Anyone may ask for a
   * challenge, so without it one caller could fill the whole store and lock every other
   * service out.
   */
  audienceCapacity?: number;
  /** The clock (ms); a parameter so that tests never wait. */
  now?: () => number;
}

interface Outstanding {
  audience: string;
  expiresAt: number;
  used: boolean;
}

/** What a live challenge was issued for. */
export interface IssuedChallenge {
  nonce: string;
  audience: string;
  expiresAt: number;
}

/**
 * The service's memory of the challenges it issued: fresh random nonces, each answered at
 * most once and only before it expires. A used nonce is remembered until it expires, so a
 * replay within its lifetime is recognized as one (`replay`), not as an unknown nonce.
 * In memory by design: a restarted service forgets its challenges, and devices ask again.
 */
export class ChallengeStore {
  private readonly issued = new Map<string, Outstanding>();
  /** How many of `issued` each audience holds. */
  private readonly perAudience = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly capacity: number;
  private readonly audienceCapacity: number;
  readonly now: () => number;

  constructor(options: ChallengeStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 120_000;
    this.capacity = options.capacity ?? 100_000;
    this.audienceCapacity = options.audienceCapacity ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** A new challenge for `audience`. */
  issue(audience: string): DeviceChallenge {
    ensure(
      typeof audience === 'string' && audience.length > 0 && audience.length <= 256,
      ErrorCode.Malformed,
      'audience must be a string of 1..256 characters',
    );
    this.sweep();
    if (this.issued.size >= this.capacity) {
      throw new DdiError(ErrorCode.Unavailable, 'too many outstanding challenges; try again soon');
    }
    const held = this.perAudience.get(audience) ?? 0;
    if (held >= this.audienceCapacity) {
      throw new DdiError(
        ErrorCode.Unavailable,
        'too many outstanding challenges for this audience; try again soon',
        { reason: 'audienceCapacity' },
      );
    }
    const nonce = randomBytes(24).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.issued.set(nonce, { audience, expiresAt, used: false });
    this.perAudience.set(audience, held + 1);
    return { nonce, audience, expiresAt: new Date(expiresAt).toISOString() };
  }

  /**
   * The live challenge `nonce` names, not yet consumed: `challengeFailed` if it was never
   * issued (or is long gone) or has expired, `replay` if it was already answered.
   */
  peek(nonce: unknown): IssuedChallenge {
    const entry = typeof nonce === 'string' ? this.issued.get(nonce) : undefined;
    if (!entry) {
      throw new DdiError(
        ErrorCode.ChallengeFailed,
        'the response answers no challenge issued here',
        {
          reason: 'unknownChallenge',
        },
      );
    }
    if (entry.used) {
      throw new DdiError(ErrorCode.Replay, 'this challenge was already answered', {
        reason: 'nonceReused',
      });
    }
    if (this.now() > entry.expiresAt) {
      throw new DdiError(ErrorCode.ChallengeFailed, 'the challenge has expired', {
        reason: 'expired',
        expiresAt: new Date(entry.expiresAt).toISOString(),
      });
    }
    return { nonce: nonce as string, audience: entry.audience, expiresAt: entry.expiresAt };
  }

  /** Marks a challenge answered; checks again, so two concurrent answers cannot both pass. */
  consume(nonce: string): void {
    this.peek(nonce);
    this.issued.get(nonce)!.used = true;
  }

  /** Forgets challenges that expired (used or not): nothing can answer them any more. */
  private sweep(): void {
    const now = this.now();
    // Insertion order is issue order, so the expired ones come first.
    for (const [nonce, entry] of this.issued) {
      if (entry.expiresAt >= now) break;
      this.issued.delete(nonce);
      const held = this.perAudience.get(entry.audience)! - 1;
      if (held === 0) this.perAudience.delete(entry.audience);
      else this.perAudience.set(entry.audience, held);
    }
  }
}
