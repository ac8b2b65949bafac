/**
 * Which OpenID Connect scopes release which claims, and how the bridge asks a wallet for them.
 * The claims come from whatever SD-JWT VC the holder has that carries them (e.g. the real-name
 * identity certificate); the bridge only names claim paths and accepted credential types.
 */
export const DEFAULT_SCOPE_CLAIMS: Record<string, string[]> = {
  real_name_verified: ['real_name_verified'],
  age_over_18: ['age_over_18'],
  profile: ['name'],
};

/** The claims the scopes of an authorization request can release (unknown scopes release none). */
export function claimsForScopes(scope: string, catalogue: Record<string, string[]>): string[] {
  const claims = new Set<string>();
  for (const s of scope.split(' ')) for (const c of catalogue[s] ?? []) claims.add(c);
  return [...claims];
}

/** The scopes whose claims were all released (what the grant records as consented): a scope
 * with one of its claims withheld is not consented. */
export function scopesForClaims(
  released: readonly string[],
  catalogue: Record<string, string[]>,
): string[] {
  return Object.entries(catalogue)
    .filter(([, claims]) => claims.every((c) => released.includes(c)))
    .map(([scope]) => scope);
}

/** The DCQL query for those claims: one SD-JWT VC of one of the accepted types (`vct`). */
export function loginDcqlQuery(
  claims: readonly string[],
  credentialTypes: readonly string[],
): unknown {
  if (claims.length === 0) return undefined;
  return {
    credentials: [
      {
        id: 'identity',
        format: 'dc+sd-jwt',
        meta: { vct_values: [...credentialTypes] },
        claims: claims.map((name) => ({ path: [name] })),
      },
    ],
  };
}
