import { createHash, randomBytes } from 'node:crypto';
import { base64urlEncode } from '../../core/encoding/base64url.ts';
import { canonicalJson } from '../../core/encoding/canonical-json.ts';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import { checkIdentityEvidence } from '../../core/identity/identity-document.ts';
import type { CheckedIdentity } from '../../core/identity/identity-document.ts';
import {
  identityCommitment,
  networkIdentityNumber,
} from '../../core/identity/identity-commitment.ts';
import { validateUscc } from '../../core/org/unified-social-credit-code.ts';
import { isOrganizationKind, organizationKindOfUscc } from '../../core/org/organization-kind.ts';
import { listIdOfStatusUri } from '../../core/credentials/verification/index.ts';
import { decodeSdJwt } from '../../core/credentials/sd-jwt/index.ts';
import { verifySdJwtVcPresentation } from '../../core/credentials/verification/index.ts';
import type { VerificationContext } from '../../core/credentials/verification/index.ts';
import { publicKeyFromJwk } from '../../core/keys/index.ts';
import type { Jwk } from '../../core/keys/index.ts';
import { authenticationKey } from '../did-auth/authentication-key.ts';
import { verifyDidAuthProof } from '../did-auth/did-auth-proof.ts';
import type { OfferInput } from '../issuer/server.ts';
import type { AgencyLedger, AgencyLedgerWriter } from './agency-ledger.ts';
import type { AgencyStore } from './agency-store.ts';
import type { AssuranceLevel, IdentityCheckContext, IdentitySource } from './identity-source.ts';
import {
  PERSON_CERTIFICATE_TYPE,
  organizationCertificateTemplate,
  personCertificateClaims,
  personCertificateLifetime,
  personCertificateTemplate,
} from './real-name-certificate.ts';

/** Why a certificate is revoked (GB/T practice: loss, fraud, death; or replaced on renewal). */
export const REVOCATION_REASONS = ['lost', 'fraud', 'death', 'renewed'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export interface AgencyServiceOptions {
  agencyDid: string;
  ledger: AgencyLedger;
  writer: AgencyLedgerWriter;
  store: AgencyStore;
  identitySource: IdentitySource;
  /** The network key the accredited agencies share (32 bytes). */
  networkKey: Uint8Array;
  /** Template ids of this agency's person and organization certificates. */
  templates: { person: string; organization: string };
  /** How the agency checks a legal representative's real-name certificate (any agency's). */
  verification: VerificationContext;
  /** Makes a credential offer (the agency's OpenID4VCI issuer). */
  createOffer: (input: OfferInput) => Promise<Record<string, unknown>>;
  /** How long a challenge stays answerable, ms (default 5 minutes). */
  challengeTtlMs?: number;
  now?: () => Date;
}

/** What a registration answers: the network id and where to collect the certificate. */
export interface RegistrationResult {
  did: string;
  networkId?: string;
  uscc?: string;
  assurance: AssuranceLevel;
  /** True when the DID was already this person's (or organization's): a renewal. */
  renewal: boolean;
  offer: { offer_uri: string; credential_offer_uri: string; expires_at: string };
}

/** What a disclosure order's recipient receives; its salted hash goes on the ledger. */
export interface DisclosureResponse {
  orderId: string;
  subject: string;
  networkId: string;
  assurance: AssuranceLevel;
  identity: Omit<CheckedIdentity, 'personKey'>;
  registered: string;
  /** 256 random bits: the hash on the ledger cannot be tested against guessed identities. */
  salt: string;
}

/** The lookup's answer, or undefined where the ledger says `notFound`. */
async function unlessNotFound<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (err) {
    if (err instanceof DdiError && err.code === 'notFound') return undefined;
    throw err;
  }
}

function hashResponse(response: DisclosureResponse): string {
  return base64urlEncode(createHash('sha256').update(canonicalJson(response)).digest());
}

/** The log id under which an agency anchors its access log (`audit.anchor`). */
export const AGENCY_ACCESS_LOG_ID = 'agency-access-log';

/** Derives an agency's template ids from its DID: template ids are global on the ledger. */
export function agencyTemplateIds(agencyDid: string): { person: string; organization: string } {
  const tag = createHash('sha256').update(agencyDid).digest('hex').slice(0, 16);
  return {
    person: `ddi.realname.person.${tag}`,
    organization: `ddi.realname.organization.${tag}`,
  };
}

/** The two certificate templates of an agency, with its ids. */
export function agencyTemplates(agencyDid: string) {
  const ids = agencyTemplateIds(agencyDid);
  return {
    person: { ...personCertificateTemplate(), id: ids.person },
    organization: { ...organizationCertificateTemplate(), id: ids.organization },
  };
}

/**
 * An accredited identity verification agency: registers persons and organizations after
 * checking their evidence, keeps one primary DID per person across the network through keyed
 * commitments on the ledger, issues real-name certificates, and reveals an identity only to
 * the recipient of a regulator's disclosure order on the ledger. Every access to personal data
 * — and every refused attempt — is in the hash-chained access log.
 */
export class AgencyService {
  private readonly now: () => Date;

  constructor(private readonly options: AgencyServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get did(): string {
    return this.options.agencyDid;
  }

  /** Registers the certificate templates on the ledger if they are not there yet. */
  async ensureTemplates(): Promise<void> {
    const templates = agencyTemplates(this.did);
    for (const template of [templates.person, templates.organization]) {
      if (!(await unlessNotFound(this.options.ledger.getTemplate(template.id)))) {
        await this.options.writer.registerTemplate(template);
      }
    }
  }

  /** A single-use challenge for a DID authentication proof (audience: the agency's DID). */
  challenge(): { nonce: string; audience: string; expires_at: string } {
    const nonce = randomBytes(24).toString('base64url');
    const expires = this.now().getTime() + (this.options.challengeTtlMs ?? 5 * 60_000);
    this.options.store.addChallenge(nonce, expires);
    return { nonce, audience: this.did, expires_at: new Date(expires).toISOString() };
  }

  private async proveDid(proof: unknown, action: string, subject: string) {
    try {
      return await verifyDidAuthProof(proof, {
        audience: this.did,
        resolveDid: (did) => this.options.ledger.resolveDid(did),
        consumeNonce: (nonce) => this.options.store.consumeChallenge(nonce, this.now().getTime()),
        now: Math.floor(this.now().getTime() / 1000),
      });
    } catch (err) {
      this.refuse('anonymous', action, subject, err);
      throw err;
    }
  }

  /** Logs a refusal decided outside the service (a request that failed its schema). */
  logRefusal(actor: string, action: string, subject: string, reason: string): void {
    this.options.store.logAccess({ actor, action, subject, outcome: 'refused', reason });
  }

  private refuse(actor: string, action: string, subject: string, err: unknown): void {
    // Codes only: messages can quote what was submitted (a birth date, a name).
    const detail =
      err instanceof DdiError ? (err.details?.reason ?? err.details?.field) : undefined;
    const reason =
      err instanceof DdiError
        ? `${err.code}${typeof detail === 'string' ? `: ${detail}` : ''}`
        : 'internal';
    this.options.store.logAccess({ actor, action, subject, outcome: 'refused', reason });
  }

  /** Runs `step`; a refusal is logged under `actor` before it propagates. */
  private async logged<T>(actor: string, action: string, subject: string, step: () => Promise<T>) {
    try {
      return await step();
    } catch (err) {
      this.refuse(actor, action, subject, err);
      throw err;
    }
  }

  /** The evidence checked for format and against the identity source. */
  private async verifyIdentity(evidence: unknown, context?: IdentityCheckContext) {
    const identity = checkIdentityEvidence(evidence, this.today());
    const answer = await this.options.identitySource.check(identity, context);
    if (!answer.verified) {
      throw new DdiError(
        ErrorCode.InvalidCredential,
        `the identity source (${this.options.identitySource.name}) did not confirm this identity: ${answer.reason}`,
        { reason: 'identityNotVerified', source: answer.reason },
      );
    }
    for (const [name, value] of Object.entries(answer.attributes ?? {})) {
      if (identity[name as keyof CheckedIdentity] !== value) {
        throw new DdiError(
          ErrorCode.InvalidCredential,
          `the identity source holds another ${name} for this document`,
          { reason: 'attributesMismatch', field: name },
        );
      }
    }
    const personKey = answer.personKey ?? identity.personKey;
    return {
      identity,
      assurance: answer.assurance,
      commitment: identityCommitment(this.options.networkKey, personKey),
      networkId: networkIdentityNumber(this.options.networkKey, personKey),
    };
  }

  private today(): string {
    return this.now().toISOString().slice(0, 10);
  }

  private async offer(input: OfferInput, subject: string): Promise<RegistrationResult['offer']> {
    const offer = (await this.options.createOffer(input)) as {
      id: string;
      offer_uri: string;
      credential_offer_uri: string;
      expires_at: string;
    };
    this.options.store.recordOffer(offer.id, subject, input.template);
    return {
      offer_uri: offer.offer_uri,
      credential_offer_uri: offer.credential_offer_uri,
      expires_at: offer.expires_at,
    };
  }

  /**
   * Registers a person: `proof` shows control of the DID (a challenge signed with one of its
   * authentication keys); `evidence` is checked and confirmed by the identity source. The
   * ledger then binds the person's commitment to the DID — refused with `conflict` if the
   * person already has another active primary DID, at this agency or any other. Registering
   * again with the same DID renews the certificate.
   */
  async registerPerson(input: {
    proof: unknown;
    evidence: unknown;
    faceCheck?: unknown;
  }): Promise<RegistrationResult> {
    const { did } = await this.proveDid(input.proof, 'registerPerson', 'unknown');
    return this.logged(did, 'registerPerson', did, async () => {
      if (
        input.faceCheck !== undefined &&
        (typeof input.faceCheck !== 'string' || input.faceCheck.length > 8192)
      ) {
        throw new DdiError(ErrorCode.Malformed, 'faceCheck is a token of at most 8 KiB');
      }
      const { identity, assurance, commitment, networkId } = await this.verifyIdentity(
        input.evidence,
        { did, ...(input.faceCheck !== undefined ? { faceCheck: input.faceCheck as string } : {}) },
      );
      const binding = await unlessNotFound(this.options.ledger.getRealNameBinding(commitment));
      const renewal = binding?.did === did;
      // The ledger is the one judge of uniqueness across agencies (conflict: alreadyRegistered).
      if (!renewal) await this.options.writer.registerRealName({ commitment, did, assurance });
      const at = this.now().getTime();
      const existing = this.options.store.personByNetworkId(networkId);
      this.options.store.putPerson(
        {
          networkId,
          commitment,
          did,
          assurance,
          registered: existing?.registered ?? at,
          updated: at,
        },
        identity,
      );
      this.options.store.logAccess({
        actor: did,
        action: renewal ? 'renewPerson' : 'registerPerson',
        subject: networkId,
        outcome: 'allowed',
      });
      const offer = await this.offer(
        {
          template: this.options.templates.person,
          claims: personCertificateClaims(identity, networkId, assurance, this.today()),
          holder: did,
          validitySeconds: personCertificateLifetime(identity.birthDate, this.now()),
        },
        networkId,
      );
      return { did, networkId, assurance, renewal, offer };
    });
  }

  /**
   * The legal representative, as their real-name certificate shows them: a presentation of a
   * `RealNameIdentityCertificate` (any accredited agency's) that discloses `network_id`, made
   * for this agency with a challenge as nonce, bound to the key of the DID they proved, and
   * that DID a real-name registered primary DID on the ledger. The representative's identity
   * number never reaches this agency.
   */
  private async legalRepresentative(
    input: { proof: unknown; presentation: unknown; nonce: unknown },
    organizationDid: string,
    uscc: string,
  ): Promise<{ did: string; networkId: string; name: string; assurance: AssuranceLevel }> {
    const rep = await this.proveDid(input.proof, 'legalRepresentative', organizationDid);
    // The representative's consent is for this organization, not any: the proof names it.
    if (rep.claims.uscc !== uscc || rep.claims.organization !== organizationDid) {
      throw new DdiError(
        ErrorCode.Forbidden,
        "the legal representative's proof must name this organization (uscc, organization)",
        { reason: 'proofNotForOrganization' },
      );
    }
    const refuse = (message: string, details: Record<string, unknown> = {}): never => {
      throw new DdiError(ErrorCode.Forbidden, message, {
        reason: 'legalRepresentativeNotVerified',
        ...details,
      });
    };
    if (rep.did === organizationDid) {
      throw new DdiError(ErrorCode.Malformed, 'the legal representative proves their own DID');
    }
    if (typeof input.presentation !== 'string' || typeof input.nonce !== 'string') {
      throw new DdiError(
        ErrorCode.Malformed,
        "the legal representative's real-name certificate presentation and its nonce are required",
      );
    }
    if (!this.options.store.consumeChallenge(input.nonce, this.now().getTime())) {
      throw new DdiError(ErrorCode.InvalidCredential, 'the presentation nonce is unknown or used', {
        reason: 'nonceUnknown',
      });
    }
    const verdict = await verifySdJwtVcPresentation(
      input.presentation,
      { audience: this.did, nonce: input.nonce, now: this.now().getTime() },
      this.options.verification,
    );
    if (!verdict.verified) {
      refuse(`the real-name certificate does not verify: ${verdict.reasons.join(', ')}`, {
        verdict: verdict.reasons,
      });
    }
    if (verdict.credentialType !== PERSON_CERTIFICATE_TYPE) {
      refuse(`a ${PERSON_CERTIFICATE_TYPE} is required, not ${verdict.credentialType}`);
    }
    const networkId = verdict.claims?.network_id;
    const name = verdict.claims?.name;
    const assurance = verdict.claims?.assurance_level as AssuranceLevel | undefined;
    if (typeof networkId !== 'string' || typeof name !== 'string' || !assurance) {
      refuse('the presentation must disclose network_id and name');
    }
    // Holder binding names a key; the key must be one of the DID the representative proved.
    const { key } = await authenticationKey(rep.kid, (d) => this.options.ledger.resolveDid(d));
    const cnf = (decodeSdJwt(input.presentation).claims.cnf as { jwk?: Jwk } | undefined)?.jwk;
    const bound = cnf ? publicKeyFromJwk(cnf) : undefined;
    if (!bound || !Buffer.from(bound.publicKey).equals(Buffer.from(key.publicKey))) {
      refuse('the certificate is bound to another key than the DID the representative proved');
    }
    const registration = await unlessNotFound(this.options.ledger.getRealNameRegistration(rep.did));
    if (!registration || registration.ended) {
      refuse(`${rep.did} is not a real-name registered primary DID`);
    }
    return {
      did: rep.did,
      networkId: networkId as string,
      name: name as string,
      assurance: assurance!,
    };
  }

  /**
   * How sure the agency is of an organization: no surer than of its representative, and `low`
   * unless the business register confirms that the code, the name and the representative go
   * together (else anyone with a real-name certificate could claim any company).
   */
  private async organizationAssurance(
    uscc: string,
    name: string,
    rep: { name: string; assurance: AssuranceLevel },
  ): Promise<AssuranceLevel> {
    const check = this.options.identitySource.checkOrganization;
    if (!check) return 'low';
    const answer = await check.call(this.options.identitySource, {
      uscc,
      name,
      legalRepresentativeName: rep.name,
    });
    if (!answer.verified) {
      throw new DdiError(
        ErrorCode.Forbidden,
        'the business register does not confirm this organization and its legal representative',
        { reason: 'organizationNotVerified', source: answer.reason },
      );
    }
    const order = ['low', 'substantial', 'high'];
    return order.indexOf(answer.assurance) < order.indexOf(rep.assurance)
      ? answer.assurance
      : rep.assurance;
  }

  /**
   * Registers an organization: its DID's proof, its code and name, and its legal
   * representative's real-name certificate (`legalRepresentative`). The ledger binds the code
   * to the DID (org.register: one active primary DID per code); the certificate names the
   * representative by network id only.
   */
  async registerOrganization(input: {
    proof: unknown;
    uscc: unknown;
    name: unknown;
    kind?: unknown;
    legalRepresentative: { proof: unknown; presentation: unknown; nonce: unknown };
  }): Promise<RegistrationResult> {
    const { did } = await this.proveDid(input.proof, 'registerOrganization', 'unknown');
    return this.logged(did, 'registerOrganization', did, async () => {
      const uscc = validateUscc(input.uscc);
      const name = input.name;
      if (typeof name !== 'string' || name.trim().length === 0 || name.length > 200) {
        throw new DdiError(ErrorCode.Malformed, 'name must be 1 to 200 characters');
      }
      if (input.kind !== undefined && !isOrganizationKind(input.kind)) {
        throw new DdiError(ErrorCode.Malformed, 'kind is not an organization kind');
      }
      const kind = input.kind ?? organizationKindOfUscc(uscc);
      const rep = await this.legalRepresentative(input.legalRepresentative, did, uscc);
      const assurance = await this.organizationAssurance(uscc, name.trim(), rep);
      const organization = await unlessNotFound(this.options.ledger.getOrganization(uscc));
      const renewal = organization?.primaryDid === did;
      if (!renewal) await this.options.writer.registerOrganization({ uscc, did, kind });
      const at = this.now().getTime();
      this.options.store.putOrganization(
        {
          uscc,
          did,
          legalRepresentativeNetworkId: rep.networkId,
          registered: this.options.store.organization(uscc)?.registered ?? at,
        },
        name.trim(),
      );
      this.options.store.logAccess({
        actor: did,
        action: renewal ? 'renewOrganization' : 'registerOrganization',
        subject: uscc,
        outcome: 'allowed',
      });
      const offer = await this.offer(
        {
          template: this.options.templates.organization,
          claims: {
            real_name_verified: true,
            assurance_level: assurance,
            uscc,
            name: name.trim(),
            organization_kind: kind,
            legal_representative_network_id: rep.networkId,
          },
          holder: did,
        },
        uscc,
      );
      return { did, uscc, assurance, renewal, offer };
    });
  }

  /**
   * Supervised disclosure: answers the recipient of a regulator's order on the ledger, once,
   * and records the fulfilment (a salted hash of the answer) on the ledger before answering.
   * Anything else is `forbidden`, and logged.
   */
  async disclose(input: { proof: unknown; orderId: unknown }): Promise<{
    response: DisclosureResponse;
    responseHash: string;
    fulfilmentTx: string;
  }> {
    const orderId = typeof input.orderId === 'string' ? input.orderId : '';
    const { did: recipient, claims } = await this.proveDid(input.proof, 'disclose', orderId);
    return this.logged(recipient, 'disclose', orderId || 'unknown', async () => {
      const forbidden = (message: string, reason: string): never => {
        throw new DdiError(ErrorCode.Forbidden, message, { reason });
      };
      if (!orderId || claims.orderId !== orderId) {
        forbidden('the proof must name the order it is for (orderId)', 'proofNotForOrder');
      }
      const order =
        (await unlessNotFound(this.options.ledger.getDisclosureOrder(orderId))) ??
        forbidden(`there is no disclosure order ${orderId} on the ledger`, 'noOrder');
      if (order.agency !== this.did)
        forbidden('the order is addressed to another agency', 'otherAgency');
      if (order.recipient !== recipient) {
        forbidden('only the recipient named in the order is answered', 'notRecipient');
      }
      if (order.fulfilment) forbidden('the order was already fulfilled', 'fulfilled');
      if (order.validUntil < this.now().getTime()) forbidden('the order has lapsed', 'lapsed');
      const person = this.options.store.personByDid(order.subject);
      if (!person) {
        throw new DdiError(
          ErrorCode.NotFound,
          `this agency holds no registration of ${order.subject}`,
        );
      }
      this.options.store.logAccess({
        actor: recipient,
        action: 'disclose',
        subject: `${orderId}:${person.networkId}`,
        outcome: 'allowed',
      });
      const { personKey: _personKey, ...identity } = this.options.store.openIdentity(
        person.networkId,
      );
      const response: DisclosureResponse = {
        orderId,
        subject: order.subject,
        networkId: person.networkId,
        assurance: person.assurance,
        identity,
        registered: new Date(person.registered).toISOString(),
        salt: randomBytes(32).toString('base64url'),
      };
      const responseHash = hashResponse(response);
      // On the ledger first: an answer that was not recorded is never given — and the access
      // log that records it is anchored, so it cannot later be cut short or rewritten.
      const { txId } = await this.options.writer.fulfilDisclosure({ orderId, responseHash });
      await this.anchorAccessLog();
      return { response, responseHash, fulfilmentTx: txId };
    });
  }

  /**
   * Anchors the access log's head on the ledger if it grew since the last anchor; after every
   * disclosure and periodically. Returns the anchored sequence (undefined: nothing new).
   */
  async anchorAccessLog(): Promise<number | undefined> {
    const head = this.options.store.accessLogHead();
    if (!head || head.seq <= this.anchoredSequence) return undefined;
    try {
      await this.options.writer.anchorAccessLog({
        logId: AGENCY_ACCESS_LOG_ID,
        sequence: head.seq,
        head: head.hash,
      });
    } catch (err) {
      // After a restart: the ledger already holds this head (or a later one).
      const latest = err instanceof DdiError ? err.details?.latestSequence : undefined;
      if (typeof latest !== 'number') throw err;
      this.anchoredSequence = latest;
      return undefined;
    }
    this.anchoredSequence = head.seq;
    return head.seq;
  }

  private anchoredSequence = 0;

  /** Revokes every certificate issued to a person (network id) or organization (USCC). */
  async revoke(input: { subject: unknown; reason: unknown }): Promise<{ revoked: number }> {
    const subject = typeof input.subject === 'string' ? input.subject : '';
    return this.logged('operator', 'revoke', subject || 'unknown', async () => {
      if (!REVOCATION_REASONS.includes(input.reason as RevocationReason)) {
        throw new DdiError(
          ErrorCode.Malformed,
          `reason must be one of ${REVOCATION_REASONS.join(', ')}`,
        );
      }
      const certificates = this.options.store
        .certificatesOf(subject)
        .filter((c) => c.statusUri !== undefined && c.statusIndex !== undefined);
      if (certificates.length === 0) {
        throw new DdiError(ErrorCode.NotFound, `no revocable certificate was issued to ${subject}`);
      }
      for (const c of certificates) {
        const listId = listIdOfStatusUri(c.statusUri!);
        if (!listId) throw new DdiError(ErrorCode.Internal, `bad status uri ${c.statusUri}`);
        await this.options.writer.revokeCredential({
          listId,
          index: c.statusIndex!,
          reason: input.reason as string,
        });
      }
      this.options.store.logAccess({
        actor: 'operator',
        action: `revoke:${String(input.reason)}`,
        subject,
        outcome: 'allowed',
      });
      return { revoked: certificates.length };
    });
  }
}
