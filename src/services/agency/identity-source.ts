import type { CheckedIdentity } from '../../core/identity/identity-document.ts';

/**
 * How sure the agency is that the evidence belongs to the person in front of it (after the
 * levels of GB/T 31504 and eIDAS): `low` — formats only; `substantial` — matched against an
 * authoritative register; `high` — matched and a live face check against the register's photo.
 */
export type AssuranceLevel = 'low' | 'substantial' | 'high';
export const ASSURANCE_LEVELS: readonly AssuranceLevel[] = ['low', 'substantial', 'high'];

export type IdentitySourceAnswer =
  | {
      verified: true;
      assurance: AssuranceLevel;
      /**
       * The person's uniqueness key when the source knows better than the document, e.g. the
       * resident identity number behind a Chinese passport (default: the document's own).
       */
      personKey?: string;
      /**
       * What the register holds about the person. Where given, the typed evidence must agree
       * (a passport's birth date is otherwise only what the person typed).
       */
      attributes?: { birthDate?: string; gender?: 'male' | 'female'; nationality?: string };
    }
  | { verified: false; reason: string };

/**
 * What else the source may weigh: the DID being registered, and the result of a live face
 * check taken by the agency's capture device or app (an opaque token the source can verify
 * with its provider: in China the CTID / 公安部 face comparison). Without it no adapter should
 * answer `high`.
 */
export interface IdentityCheckContext {
  did: string;
  faceCheck?: string;
}

/**
 * Where an agency checks identity evidence. In production this is an adapter to the
 * authoritative source — the public-security real-name service (公安部公民网络身份认证 / CTID)
 * with its face check — which cannot exist on this machine. ddi ships the interface, a
 * format-only source (`documentFormatSource`) and a test double (`TestIdentityRegister`).
 */
export interface IdentitySource {
  /** Shown in logs and in the agency's status. */
  readonly name: string;
  check(identity: CheckedIdentity, context?: IdentityCheckContext): Promise<IdentitySourceAnswer>;
  /**
   * The business register (in production: the market regulator's enterprise credit system):
   * does this code belong to this name, with this legal representative? A source without it
   * leaves organization certificates at assurance `low`.
   */
  checkOrganization?(organization: {
    uscc: string;
    name: string;
    legalRepresentativeName: string;
  }): Promise<IdentitySourceAnswer>;
}

/**
 * Accepts any evidence that passed the format checks, at assurance `low`. It verifies nothing
 * about the person: an agency runs it only where the regulator allows unverified registration
 * (a pilot, a closed group), and relying parties see `low` in every certificate.
 */
export const documentFormatSource: IdentitySource = {
  name: 'document-formats',
  async check() {
    return { verified: true, assurance: 'low' };
  },
};
