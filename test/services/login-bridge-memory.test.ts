import { describe, expect, it } from 'vitest';
import { ExpiringMap } from '../../src/services/bridge/expiring-map.ts';
import { memoryStoreFor } from '../../src/services/bridge/memory-store.ts';
import { LoginVerifier } from '../../src/services/login/login-verifier.ts';
import { generateKeyPair } from '../../src/core/keys/index.ts';
import type { VerificationContext } from '../../src/core/credentials/verification/index.ts';

// What the bridge keeps in memory is created by anyone's authorization request: every map is
// capped and swept. A hand-turned clock stands in for time; nothing waits.

describe('the bridge’s memory stays bounded', () => {
  it('an expiring map drops expired entries on a sweep, and the oldest when full', () => {
    let clock = 1_000;
    const dropped: string[] = [];
    const map = new ExpiringMap<string, number>({
      maxSize: 3,
      now: () => clock,
      onDrop: (key) => dropped.push(key),
    });
    map.set('a', 1, 2_000);
    map.set('b', 2, 5_000);
    map.set('c', 3, 5_000);
    map.set('d', 4, 5_000); // full: nothing expired yet, so the oldest (a) goes
    expect(map.size).toBe(3);
    expect(map.get('a')).toBeUndefined();
    expect(map.get('d')).toBe(4);
    clock = 5_000;
    map.sweep();
    expect(map.size).toBe(0);
    expect(dropped.sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('full, an expiring map drops the expired entries before a live one', () => {
    let clock = 0;
    const map = new ExpiringMap<string, number>({ maxSize: 2, now: () => clock });
    map.set('live', 1, 10_000);
    map.set('stale', 2, 100);
    clock = 200;
    map.set('new', 3, 10_000);
    expect(map.get('live')).toBe(1);
    expect(map.get('new')).toBe(3);
    expect(map.size).toBe(2);
  });

  it('oidc-provider’s store is capped, and its uid and grant indexes follow the entries', async () => {
    let clock = 0;
    const store = memoryStoreFor({ maxEntries: 4, now: () => clock });
    const interactions = new store.Store('Interaction');
    const codes = new store.Store('AuthorizationCode');
    for (let i = 0; i < 10; i++) {
      await interactions.upsert(`i${i}`, { uid: `u${i}`, grantId: `g${i}` }, 600);
    }
    expect(store.sizes()).toEqual({ entries: 4, byUid: 4, byGrant: 4 });
    expect(await interactions.findByUid('u0')).toBeUndefined();
    expect(await interactions.findByUid('u9')).toMatchObject({ uid: 'u9' });
    await codes.upsert('c', { grantId: 'g9' }, 60);
    expect(store.sizes().entries).toBe(4);
    await codes.revokeByGrantId('g9');
    expect(await codes.find('c')).toBeUndefined();
    expect(await interactions.findByUid('u9')).toBeUndefined();
    clock = 600_000; // the interactions' 600 s are over
    store.sweep();
    expect(store.sizes()).toEqual({ entries: 0, byUid: 0, byGrant: 0 });
  });

  it('a relying party keeps at most maxRequests sign-in requests, dropping the oldest', () => {
    const key = generateKeyPair('ed25519');
    const did = `did:ddi:${'2'.repeat(44)}`; // no ledger here: only its syntax matters
    const verifier = new LoginVerifier({
      clientDid: did,
      signingKey: { kid: `${did}#key-1`, signer: key },
      requestUriBase: 'http://127.0.0.1:9/request',
      responseUri: 'http://127.0.0.1:9/response',
      context: {} as VerificationContext, // never reached: no answer is checked here
      maxRequests: 3,
      now: () => 0,
    });
    const created = Array.from({ length: 5 }, () => verifier.createRequest());
    expect(() => verifier.outcome(created[0]!.state)).toThrow(/no such login request/);
    expect(() => verifier.outcome(created[1]!.state)).toThrow(/no such login request/);
    for (const c of created.slice(2)) expect(verifier.outcome(c.state).status).toBe('pending');
  });
});
