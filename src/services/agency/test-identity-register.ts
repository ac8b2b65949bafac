import { readFileSync } from 'node:fs';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { CheckedIdentity } from '../../core/identity/identity-document.ts';
import type {
  AssuranceLevel,
  IdentityCheckContext,
  IdentitySource,
  IdentitySourceAnswer,
} from './identity-source.ts';

/** One person the test register knows. */
export interface TestRegisterEntry {
  documentType: string;
  number: string;
  name: string;
  /** What the register knows of the person; returned so the agency checks typed values. */
  birthDate?: string;
  gender?: 'male' | 'female';
  nationality?: string;
  /**
   * Assurance the register reports for this person (default `substantial`); `high` only
   * with the matching `faceCheck` token in the request, else `substantial`.
   */
  assurance?: AssuranceLevel;
  /** Another document of the same person: uniqueness is then about that one. */
  sameAs?: { documentType: string; number: string; nationality?: string };
  /** The token a face check of this person yields (test double of a face comparison). */
  faceCheck?: string;
}

/**
 * TEST DOUBLE for the public-security real-name register: a fixed list of people, matched by
 * document type, number and name. It stands in for the authoritative source in tests and
 * demos (`ddi agency start --identity-source test-register:<file.json>`); it must never back
 * a production agency, and its name says so in every log line and certificate audit.
 */
/** One organization the test register knows (a stand-in for the business register). */
export interface TestOrganizationEntry {
  organization: { uscc: string; name: string; legalRepresentativeName: string };
}

export class TestIdentityRegister implements IdentitySource {
  readonly name = 'TEST-DOUBLE identity register';
  private readonly entries: TestRegisterEntry[];
  private readonly organizations: TestOrganizationEntry['organization'][];

  constructor(entries: ReadonlyArray<TestRegisterEntry | TestOrganizationEntry>) {
    this.entries = entries.filter((e): e is TestRegisterEntry => !('organization' in e));
    this.organizations = entries
      .filter((e): e is TestOrganizationEntry => 'organization' in e)
      .map((e) => e.organization);
  }

  async checkOrganization(organization: {
    uscc: string;
    name: string;
    legalRepresentativeName: string;
  }): Promise<IdentitySourceAnswer> {
    const entry = this.organizations.find((o) => o.uscc === organization.uscc);
    if (!entry) return { verified: false, reason: 'unknownOrganization' };
    if (entry.name !== organization.name) return { verified: false, reason: 'nameMismatch' };
    if (entry.legalRepresentativeName.normalize('NFC') !== organization.legalRepresentativeName) {
      return { verified: false, reason: 'notTheLegalRepresentative' };
    }
    return { verified: true, assurance: 'substantial' };
  }

  /** Reads a JSON array of entries. */
  static fromFile(path: string): TestIdentityRegister {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new DdiError(
        ErrorCode.Malformed,
        `cannot read the test register ${path}: ${String(err)}`,
      );
    }
    if (!Array.isArray(parsed)) {
      throw new DdiError(ErrorCode.Malformed, 'the test register is a JSON array of people');
    }
    return new TestIdentityRegister(parsed as Array<TestRegisterEntry | TestOrganizationEntry>);
  }

  async check(
    identity: CheckedIdentity,
    context?: IdentityCheckContext,
  ): Promise<IdentitySourceAnswer> {
    const entry = this.entries.find(
      (e) => e.documentType === identity.documentType && e.number === identity.number,
    );
    if (!entry) return { verified: false, reason: 'unknownDocument' };
    if (entry.name.normalize('NFC') !== identity.name)
      return { verified: false, reason: 'nameMismatch' };
    const same = entry.sameAs;
    const attributes = {
      ...(entry.birthDate ? { birthDate: entry.birthDate } : {}),
      ...(entry.gender ? { gender: entry.gender } : {}),
      ...(entry.nationality ? { nationality: entry.nationality } : {}),
    };
    return {
      verified: true,
      assurance:
        entry.assurance === 'high' && (!entry.faceCheck || context?.faceCheck !== entry.faceCheck)
          ? 'substantial'
          : (entry.assurance ?? 'substantial'),
      ...(Object.keys(attributes).length ? { attributes } : {}),
      ...(same
        ? { personKey: `${same.nationality ?? 'CHN'}:${same.documentType}:${same.number}` }
        : {}),
    };
  }
}
