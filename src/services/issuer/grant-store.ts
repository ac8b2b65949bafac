import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { CredentialTemplate } from '../../core/templates/credential-template.ts';

/** An offer the operator made: what will be issued, to whom, until when. */
export interface PendingOffer {
  id: string;
  template: CredentialTemplate;
  claims: Record<string, unknown>;
  /** When set, only a key proof by this DID's key may redeem it. */
  holder?: string;
  configurationIds: string[];
  /** Credential lifetime in seconds, when shorter than the issuer's default. */
  validitySeconds?: number;
  preAuthorizedCode: string;
  /** A one-time code the holder types in (sent to them out of band), if asked for. */
  txCode?: string;
  expiresAt: number;
  /** The code was exchanged for an access token. */
  redeemed: boolean;
}

/** An access token and the offer it may redeem. */
export interface AccessGrant {
  offer: PendingOffer;
  expiresAt: number;
}

export interface GrantLifetimes {
  /** Pre-authorized code (and offer) lifetime in ms (default 10 minutes). */
  offerMs?: number;
  /** Access token lifetime in ms (default 5 minutes). */
  accessTokenMs?: number;
  /** c_nonce lifetime in ms (default 5 minutes). */
  nonceMs?: number;
}

const token = (): string => randomBytes(32).toString('base64url');

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Offers, pre-authorized codes, access tokens and c_nonces in memory. Every secret is 256
 * random bits and single use; entries expire and are swept as the maps are touched, so a
 * flood of unused nonces cannot grow the process without bound past their lifetime.
 */
export class GrantStore {
  private readonly offers = new Map<string, PendingOffer>();
  private readonly codes = new Map<string, PendingOffer>();
  private readonly tokens = new Map<string, AccessGrant>();
  private readonly nonces = new Map<string, number>();
  readonly offerMs: number;
  readonly accessTokenMs: number;
  readonly nonceMs: number;

  constructor(
    lifetimes: GrantLifetimes = {},
    private readonly now: () => number = Date.now,
  ) {
    this.offerMs = lifetimes.offerMs ?? 10 * 60_000;
    this.accessTokenMs = lifetimes.accessTokenMs ?? 5 * 60_000;
    this.nonceMs = lifetimes.nonceMs ?? 5 * 60_000;
  }

  /** Records a new offer with a fresh pre-authorized code (and tx_code when asked). */
  createOffer(
    input: Pick<
      PendingOffer,
      'template' | 'claims' | 'holder' | 'configurationIds' | 'validitySeconds'
    >,
    withTxCode: boolean,
  ): PendingOffer {
    this.sweep();
    const offer: PendingOffer = {
      ...input,
      id: token(),
      preAuthorizedCode: token(),
      expiresAt: this.now() + this.offerMs,
      redeemed: false,
      ...(withTxCode ? { txCode: String(randomInt(0, 1_000_000)).padStart(6, '0') } : {}),
    };
    this.offers.set(offer.id, offer);
    this.codes.set(offer.preAuthorizedCode, offer);
    return offer;
  }

  /** An offer that is still open (not expired, code not yet redeemed). */
  openOffer(id: string): PendingOffer | undefined {
    const offer = this.offers.get(id);
    if (!offer || offer.redeemed || offer.expiresAt <= this.now()) return undefined;
    return offer;
  }

  /**
   * Exchanges a pre-authorized code for an access token. Returns a reason instead when the
   * code is unknown, used, expired or the tx_code is wrong. A wrong tx_code burns the code:
   * six digits must not be open to guessing.
   */
  redeemCode(
    code: string,
    txCode: string | undefined,
  ): { token: string; grant: AccessGrant } | { reason: string } {
    this.sweep();
    const offer = this.codes.get(code);
    if (!offer) return { reason: 'the pre-authorized code is unknown, used or expired' };
    this.codes.delete(code);
    if (offer.expiresAt <= this.now()) return { reason: 'the pre-authorized code has expired' };
    if (offer.txCode !== undefined && (txCode === undefined || !sameText(txCode, offer.txCode))) {
      return { reason: 'the tx_code is missing or wrong; ask the issuer for a new offer' };
    }
    offer.redeemed = true;
    const grant = { offer, expiresAt: this.now() + this.accessTokenMs };
    const accessToken = token();
    this.tokens.set(accessToken, grant);
    return { token: accessToken, grant };
  }

  /** The grant of a live access token. */
  accessGrant(accessToken: string): AccessGrant | undefined {
    const grant = this.tokens.get(accessToken);
    if (!grant || grant.expiresAt <= this.now()) return undefined;
    return grant;
  }

  /** Ends an access token once its credential is issued: one offer, one credential. */
  spendAccessToken(accessToken: string): void {
    const grant = this.tokens.get(accessToken);
    this.tokens.delete(accessToken);
    if (grant) this.offers.delete(grant.offer.id);
  }

  /** A fresh c_nonce. */
  createNonce(): string {
    this.sweep();
    const nonce = token();
    this.nonces.set(nonce, this.now() + this.nonceMs);
    return nonce;
  }

  /** Uses up a c_nonce: true only the first time, and only before it expires. */
  consumeNonce(nonce: string): boolean {
    const expiresAt = this.nonces.get(nonce);
    if (expiresAt === undefined) return false;
    this.nonces.delete(nonce);
    return expiresAt > this.now();
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, offer] of this.offers) if (offer.expiresAt <= now) this.offers.delete(k);
    for (const [k, offer] of this.codes) if (offer.expiresAt <= now) this.codes.delete(k);
    for (const [k, grant] of this.tokens) if (grant.expiresAt <= now) this.tokens.delete(k);
    for (const [k, expiresAt] of this.nonces) if (expiresAt <= now) this.nonces.delete(k);
  }
}
