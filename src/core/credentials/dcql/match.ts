// Evaluating a DCQL query against the credentials a wallet holds (OpenID4VP 1.0 §6.4).
import { selectClaims } from './claims-path.ts';
import type { ClaimsPathPointer } from './claims-path.ts';
import { parseDcqlQuery } from './query.ts';
import type { DcqlClaimsQuery, DcqlCredentialQuery, DcqlQuery } from './query.ts';

/** A credential the holder could present, as DCQL sees it. */
export interface DcqlCandidate {
  /** The wallet's own handle for the credential (not part of DCQL). */
  id: string;
  /** Credential Format Identifier: 'dc+sd-jwt' or 'jwt_vc_json'. */
  format: string;
  /** SD-JWT VC `vct`. */
  vct?: string;
  /** VC `type` values (compact terms or IRIs). */
  types?: readonly string[];
  /** Every claim the holder holds, for SD-JWT disclosable or not; paths are evaluated against it. */
  claims: Record<string, unknown>;
}

/** One candidate that satisfies a Credential Query, and what to disclose for it. */
export interface DcqlCredentialMatch {
  candidateId: string;
  /**
   * The claim paths to present: those of the first satisfiable claim set, or of every claims
   * query when there are no claim sets; empty when the query asks for no claims (§6.4.1).
   */
  claimPaths: ClaimsPathPointer[];
  /** Index into `claim_sets` of the option used, when the query has claim sets. */
  claimSetIndex?: number;
}

/** How one Credential Set Query fared (§6.4.2). */
export interface DcqlCredentialSetResult {
  required: boolean;
  /** Indexes of the options whose every credential query has a match, in the verifier's order. */
  satisfiableOptions: number[];
}

/** The outcome of evaluating a DCQL query against the holder's candidates. */
export interface DcqlMatchResult {
  /** True if the wallet may answer: every required credential set (or every query) is met. */
  satisfied: boolean;
  /** Matches per credential query id, in candidate order (empty arrays for no match). */
  matches: Record<string, DcqlCredentialMatch[]>;
  /** Per credential set, when the query has `credential_sets`. */
  credentialSets?: DcqlCredentialSetResult[];
  /**
   * Credential query ids to answer: all of them without credential sets, otherwise the first
   * satisfiable option of every set (required or optional); empty when not satisfied.
   */
  selected: string[];
}

// JSON-LD expansion of the base vocabulary's term (the VCDM v1 and v2 contexts map it to this IRI),
// so a type_values entry written either way matches without running a JSON-LD processor.
const EXPANDED_TYPES: Readonly<Record<string, string>> = {
  VerifiableCredential: 'https://www.w3.org/2018/credentials#VerifiableCredential',
};

/**
 * Evaluates a DCQL query (validated first with parseDcqlQuery) against the holder's candidates:
 * which candidates match each credential query, what each must disclose, and which queries to
 * answer under `credential_sets` (OpenID4VP 1.0 §6.4).
 */
export function matchDcql(query: DcqlQuery, candidates: readonly DcqlCandidate[]): DcqlMatchResult {
  // Re-validate: the query usually arrives off the wire, and this fills in the defaults.
  const parsed = parseDcqlQuery(query);
  const matches: Record<string, DcqlCredentialMatch[]> = {};
  for (const credentialQuery of parsed.credentials) {
    matches[credentialQuery.id] = candidates.flatMap((candidate) => {
      const match = matchCandidate(credentialQuery, candidate);
      return match ? [match] : [];
    });
  }
  const has = (id: string): boolean => (matches[id]?.length ?? 0) > 0;

  // §6.4.2: without credential_sets, every credential query must be answered.
  if (!parsed.credential_sets) {
    const ids = parsed.credentials.map((c) => c.id);
    const satisfied = ids.every(has);
    return { satisfied, matches, selected: satisfied ? ids : [] };
  }

  // §6.4.2: every required set needs one option whose credentials all match; optional sets may
  // add theirs. The first satisfiable option is the verifier's preferred one.
  const credentialSets = parsed.credential_sets.map((set) => ({
    required: set.required,
    satisfiableOptions: set.options.flatMap((option, i) => (option.every(has) ? [i] : [])),
  }));
  const satisfied = credentialSets.every((s) => !s.required || s.satisfiableOptions.length > 0);
  const selected = new Set<string>();
  if (satisfied) {
    parsed.credential_sets.forEach((set, i) => {
      const first = credentialSets[i]?.satisfiableOptions[0];
      if (first !== undefined) for (const id of set.options[first] ?? []) selected.add(id);
    });
  }
  return { satisfied, matches, credentialSets, selected: [...selected] };
}

function matchCandidate(
  query: DcqlCredentialQuery,
  candidate: DcqlCandidate,
): DcqlCredentialMatch | undefined {
  if (candidate.format !== query.format || !metaMatches(query, candidate)) return undefined;
  const claims = query.claims;
  // §6.4.1: no claims requested means only what is mandatory to present.
  if (!claims) return { candidateId: candidate.id, claimPaths: [] };
  const available = (claim: DcqlClaimsQuery): boolean => claimAvailable(claim, candidate.claims);

  if (!query.claim_sets) {
    // §6.4.1: all claims are requested; if one is missing the credential must not be returned.
    if (!claims.every(available)) return undefined;
    return { candidateId: candidate.id, claimPaths: uniquePaths(claims) };
  }
  // §6.4.1: claim_sets are in the verifier's order of preference; return the first we can meet.
  const byId = new Map(claims.map((c) => [c.id, c]));
  for (const [index, set] of query.claim_sets.entries()) {
    const chosen = set.map((id) => byId.get(id)).filter((c) => c !== undefined);
    if (chosen.every(available)) {
      return { candidateId: candidate.id, claimPaths: uniquePaths(chosen), claimSetIndex: index };
    }
  }
  return undefined;
}

function metaMatches(query: DcqlCredentialQuery, candidate: DcqlCandidate): boolean {
  if (query.format === 'dc+sd-jwt') {
    // Appendix B.3.5. Type inheritance (extends) is not followed: the vct must be listed.
    return candidate.vct !== undefined && (query.meta.vct_values ?? []).includes(candidate.vct);
  }
  if (query.format === 'jwt_vc_json') {
    // Appendix B.1.1: some alternative's types must all be among the credential's types.
    const types = new Set<string>();
    for (const t of candidate.types ?? []) {
      types.add(t);
      const expanded = EXPANDED_TYPES[t];
      if (expanded) types.add(expanded);
    }
    return (query.meta.type_values ?? []).some((alt) => alt.every((t) => types.has(t)));
  }
  // Formats ddi does not hold (mso_mdoc, ldp_vc, ...) never match.
  return false;
}

function claimAvailable(claim: DcqlClaimsQuery, claims: Record<string, unknown>): boolean {
  const selected = selectClaims(claims, claim.path);
  if (!selected) return false;
  if (!claim.values) return true;
  // §6.4.1: a claim whose value matches none of `values` counts as absent. With a null
  // wildcard several elements are selected; one matching element is enough.
  const values = claim.values;
  return selected.some((element) => values.some((v) => v === element));
}

function uniquePaths(claims: readonly DcqlClaimsQuery[]): ClaimsPathPointer[] {
  // §6.1: duplicate claim queries are a verifier error that wallets should ignore.
  const seen = new Set<string>();
  const paths: ClaimsPathPointer[] = [];
  for (const claim of claims) {
    const key = JSON.stringify(claim.path);
    if (!seen.has(key)) {
      seen.add(key);
      paths.push(claim.path);
    }
  }
  return paths;
}
