import { LruCache } from '../../../cache/lru-cache.ts';
import { publicKeyFromJwk } from '../../../keys/index.ts';
import type { Jwk } from '../../../keys/index.ts';
import type { JwsVerificationKey } from '../../jws/index.ts';

// Importing a JWK validates the point (~60 us for Ed25519, more than the verification itself).
// The cache key is every member the import reads, so an entry is a pure function of its key:
// nothing a presenter sends can make another JWK resolve to a different key.
const imported = new LruCache<string, JwsVerificationKey>(256);

/** The holder key from `cnf.jwk`, imported once per distinct JWK. */
export function holderKeyFromJwk(jwk: Jwk): JwsVerificationKey {
  const { kty, crv, x, y } = jwk;
  const cacheKey = JSON.stringify([kty, crv, x, y]);
  let key = imported.get(cacheKey);
  if (key === undefined) {
    key = publicKeyFromJwk(jwk);
    imported.set(cacheKey, key);
  }
  return key;
}
