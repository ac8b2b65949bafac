import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { generateKeyPair, publicKeyToMultibase } from '../../src/core/keys/index.ts';
import { RECOVERY_KID } from '../../src/ledger/registries/did-registry.ts';
import {
  MAX_GRANTS_PER_SCOPE,
  checkConsent,
  consentCount,
  consentIdAt,
  consentIdsForPair,
  readConsentGrant,
} from '../../src/ledger/registries/consent-registry.ts';
import type { ConsentQuery } from '../../src/ledger/registries/consent-registry.ts';
import { signTransaction } from '../../src/ledger/transaction.ts';
import type { Transaction } from '../../src/ledger/transaction.ts';
import { ledgerActions } from '../helpers/ledger-actions.ts';
import { makeDid, openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

let t: TestNode;
const { by, commit, rejected, newDid } = ledgerActions(() => t);
let holder: TestDid;
let app: TestDid;
let otherApp: TestDid;
const DAY = 86_400_000;
const grantId = () => randomBytes(12).toString('base64url');
const state = () => t.ledger.state;

/** A consent.grant payload from `holder` to `app` with sensible defaults. */
function terms(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    grantId: grantId(),
    grantor: holder.did,
    grantee: app.did,
    scopes: ['contact'],
    purpose: 'account-opening',
    expires: Date.now() + 30 * DAY,
    ...overrides,
  };
}

/** Deactivates a DID with its recovery key (its own keys cannot). */
async function deactivate(d: TestDid): Promise<void> {
  const payload = {
    did: d.did,
    previousVersionId: '1',
    recoveryKey: publicKeyToMultibase(d.recovery.type, d.recovery.publicKey),
  };
  await commit(
    signTransaction({ chainId: t.chainId, type: 'did.deactivate', payload }, [
      { kid: RECOVERY_KID, type: d.recovery.type, privateKey: d.recovery.privateKey },
    ]),
  );
}

function query(overrides: Partial<ConsentQuery> = {}): ConsentQuery {
  return {
    grantor: holder.did,
    grantee: app.did,
    scope: 'contact',
    at: Date.now(),
    ...overrides,
  };
}

beforeAll(async () => {
  t = await openTestNode();
  holder = await newDid('sm2');
  app = await newDid('ed25519');
  otherApp = await newDid('p256');
});
afterAll(async () => {
  await t.close();
});

describe('consent.grant', () => {
  it('records the terms signed by the grantor, indexed by both parties and by pair', async () => {
    const payload = terms({ scopes: ['identity.basic', 'contact'] });
    const { id, height, time } = await commit(by(holder, 'consent.grant', payload));
    const grant = readConsentGrant(state(), payload.grantId as string);
    expect(grant).toEqual({
      grantId: payload.grantId,
      grantor: holder.did,
      grantee: app.did,
      scopes: ['contact', 'identity.basic'],
      sensitive: false,
      purpose: 'account-opening',
      validFrom: time,
      expires: payload.expires,
      status: 'active',
      created: time,
      height,
      txId: id,
    });
    const n = consentCount(state(), 'grantor', holder.did);
    expect(consentIdAt(state(), 'grantor', holder.did, n - 1)).toBe(payload.grantId);
    const m = consentCount(state(), 'grantee', app.did);
    expect(consentIdAt(state(), 'grantee', app.did, m - 1)).toBe(payload.grantId);
    for (const scope of ['contact', 'identity.basic'] as const)
      expect(consentIdsForPair(state(), holder.did, app.did, scope)).toContain(payload.grantId);
    // Nothing of the data itself, and no field beyond the terms.
    expect(Object.keys(grant!).sort()).toEqual(
      [
        'created',
        'expires',
        'grantId',
        'grantee',
        'grantor',
        'height',
        'purpose',
        'scopes',
        'sensitive',
        'status',
        'txId',
        'validFrom',
      ].sort(),
    );
  });

  it('takes a sensitive category only on its own (PIPL art. 29 separate consent)', async () => {
    const payload = terms({ scopes: ['health'], purpose: 'treatment' });
    await commit(by(holder, 'consent.grant', payload));
    expect(readConsentGrant(state(), payload.grantId as string)).toMatchObject({
      scopes: ['health'],
      sensitive: true,
    });
    for (const scopes of [
      ['health', 'contact'],
      ['biometric', 'location'],
      ['minor', 'identity.basic'],
    ]) {
      const err = await rejected(by(holder, 'consent.grant', terms({ scopes })), 'malformed');
      expect(err.details).toMatchObject({ field: 'scopes', reason: 'sensitiveBundled' });
    }
  });

  it('refuses malformed terms, changing nothing', async () => {
    const bad: Array<Record<string, unknown>> = [
      terms({ grantId: 'short' }),
      terms({ grantId: 'has/a/slash' }),
      terms({ scopes: [] }),
      terms({ scopes: 'contact' }),
      terms({ scopes: ['dna'] }),
      terms({ scopes: ['contact', 'contact'] }),
      terms({ purpose: '' }),
      terms({ purpose: 'x'.repeat(101) }),
      terms({ purpose: 'call 13800138000' }),
      terms({ purpose: 'id 110101199003077777' }),
      terms({ purpose: 'line\nbreak' }),
      terms({ purpose: 42 }),
      terms({ expires: Date.now() - 1000 }),
      terms({ expires: 'tomorrow' }),
      terms({ notBefore: Date.now() + 10 * DAY, expires: Date.now() + 5 * DAY }),
      terms({ grantee: holder.did }),
      { ...terms(), data: { phone: '13800138000' } },
    ];
    for (const payload of bad) await rejected(by(holder, 'consent.grant', payload), 'malformed');
    await rejected(
      by(holder, 'consent.grant', terms({ grantee: 'did:example:123' })),
      'methodNotSupported',
    );
  });

  it('keeps phone and ID numbers off the ledger, whatever separates their digits', async () => {
    const phones = [
      '138 0013 8000',
      '138-0013-8000',
      '138.0013.8000',
      '(138)0013_8000',
      '138/0013:8000',
      '138\u30000013\u30008000', // ideographic spaces
      '１３８－００１３－８０００', // full-width digits and hyphens
      '138—0013—8000',
    ];
    const refusal = async (tx: Transaction, field: string, reason = 'personalNumber') => {
      const err = await rejected(tx, 'malformed');
      expect(err.details).toMatchObject({ field, ...(reason ? { reason } : {}) });
    };
    // A purpose: no number of 5 digits, separators or not (the purpose's own alphabet
    // already leaves out brackets, underscores, full-width forms and long dashes).
    for (const phone of [...phones, '12 345', '1-2-3-4-5']) {
      const ownAlphabet = /^[\p{L}\p{N} ._:/-]+$/u.test(phone);
      await refusal(
        by(holder, 'consent.grant', terms({ purpose: `call ${phone}` })),
        'purpose',
        ownAlphabet ? 'personalNumber' : '',
      );
    }
    // A grant id is random: a bare phone or ID number is refused.
    for (const id of ['13800138000', '110101199003071234', '138-0013-8000', 'id_110101_19900307']) {
      await refusal(by(holder, 'consent.grant', terms({ grantId: id })), 'grantId');
    }
    // Reasons (shared by every registry): no number of 11 digits.
    const payload = terms();
    await commit(by(holder, 'consent.grant', payload));
    for (const phone of [...phones, '110101 19900307 1234']) {
      await refusal(
        by(holder, 'consent.revoke', { grantId: payload.grantId, reason: `call ${phone}` }),
        'reason',
      );
      await refusal(
        by(app, 'consent.renounce', { grantId: payload.grantId, reason: `call ${phone}` }),
        'reason',
      );
    }
    // An access log's id: no bare number either.
    await refusal(
      by(holder, 'audit.anchor', {
        holder: holder.did,
        logId: '13800138000',
        sequence: 1,
        head: 'a'.repeat(64),
      }),
      'logId',
    );
    // Short numbers are fine: a purpose with a year, a reason with a ticket number.
    await commit(by(holder, 'consent.grant', terms({ purpose: 'claims 2026-q3' })));
    await commit(
      by(holder, 'consent.revoke', { grantId: payload.grantId, reason: 'ticket 2026-1234' }),
    );
  });

  it('accepts a purpose in Chinese and a later start', async () => {
    const payload = terms({ purpose: '开立账户', notBefore: Date.now() + DAY });
    await commit(by(holder, 'consent.grant', payload));
    expect(readConsentGrant(state(), payload.grantId as string)).toMatchObject({
      purpose: '开立账户',
      validFrom: payload.notBefore,
    });
  });

  it('is signed by the grantor and no one else', async () => {
    // Someone else's signature over a grant naming the holder.
    await rejected(by(otherApp, 'consent.grant', terms()), 'unauthorized');
    // The holder's kid with a key that is not the holder's.
    await rejected(by(holder, 'consent.grant', terms(), generateKeyPair('sm2')), 'badSignature');
    // A kid naming a key the holder does not have.
    await rejected(
      signTransaction({ chainId: t.chainId, type: 'consent.grant', payload: terms() }, [
        { kid: `${holder.did}#key-9`, type: 'sm2', privateKey: holder.signing.privateKey },
      ]),
      'unknownKey',
    );
    // No proof at all.
    const unsigned = {
      body: { chainId: t.chainId, type: 'consent.grant', payload: terms() },
      proofs: [],
    };
    await rejected(unsigned as Transaction, 'malformed');
    // Two proofs where one is expected.
    const body = { chainId: t.chainId, type: 'consent.grant', payload: terms() };
    await rejected(
      signTransaction(body, [
        { kid: `${holder.did}#key-1`, type: 'sm2', privateKey: holder.signing.privateKey },
        { kid: `${app.did}#key-1`, type: 'ed25519', privateKey: app.signing.privateKey },
      ]),
      'malformed',
    );
  });

  it('refuses a grantee that is not an active DID', async () => {
    const gone = await newDid('ed25519');
    await deactivate(gone);
    await rejected(by(holder, 'consent.grant', terms({ grantee: gone.did })), 'notFound');
    const unknown = makeDid(t.chainId).did; // never submitted
    await rejected(by(holder, 'consent.grant', terms({ grantee: unknown })), 'notFound');
  });

  it('refuses a duplicate grant id and a replayed transaction', async () => {
    const payload = terms();
    const tx = by(holder, 'consent.grant', payload);
    await commit(tx);
    await rejected(tx, 'replay');
    await rejected(
      by(holder, 'consent.grant', { ...payload, purpose: 'another purpose' }),
      'conflict',
    );
  });

  it(`holds at most ${MAX_GRANTS_PER_SCOPE} unexpired grants of one category per grantee`, async () => {
    const grantor = await newDid('ed25519');
    const many = Array.from({ length: MAX_GRANTS_PER_SCOPE }, (_, i) =>
      by(
        grantor,
        'consent.grant',
        terms({ grantor: grantor.did, scopes: ['profile'], purpose: `p${i}` }),
      ),
    );
    const results = await Promise.all(many.map((tx) => t.node.submit(tx, { wait: true })));
    expect(results.every((r) => r.status === 'committed')).toBe(true);
    await rejected(
      by(grantor, 'consent.grant', terms({ grantor: grantor.did, scopes: ['profile'] })),
      'conflict',
    );
    // A revoked or renounced grant no longer counts: each frees its place.
    const [first, second] = many.map((tx) => tx.body.payload as { grantId: string });
    await commit(by(grantor, 'consent.revoke', { grantId: first!.grantId }));
    const replacement = terms({ grantor: grantor.did, scopes: ['profile'] });
    await commit(by(grantor, 'consent.grant', replacement));
    await rejected(
      by(grantor, 'consent.grant', terms({ grantor: grantor.did, scopes: ['profile'] })),
      'conflict',
    );
    await commit(by(app, 'consent.renounce', { grantId: second!.grantId }));
    await commit(
      by(grantor, 'consent.grant', terms({ grantor: grantor.did, scopes: ['profile'] })),
    );
    // The ended grants are still readable by id, and a check naming one says how it ended.
    expect(readConsentGrant(state(), first!.grantId)?.status).toBe('revoked');
    expect(
      checkConsent(
        state(),
        query({ grantor: grantor.did, scope: 'profile', grantId: second!.grantId }),
      ),
    ).toMatchObject({ allowed: false, reason: 'renounced' });
    // Another category, or another grantee, is not affected.
    await commit(
      by(grantor, 'consent.grant', terms({ grantor: grantor.did, scopes: ['education'] })),
    );
    await commit(
      by(
        grantor,
        'consent.grant',
        terms({ grantor: grantor.did, grantee: otherApp.did, scopes: ['profile'] }),
      ),
    );
  });
});

describe('consent.revoke and consent.renounce', () => {
  it('lets the grantor revoke at any time, once; nobody else', async () => {
    const payload = terms();
    await commit(by(holder, 'consent.grant', payload));
    const id = payload.grantId as string;
    await rejected(by(app, 'consent.revoke', { grantId: id }), 'unauthorized');
    await rejected(by(otherApp, 'consent.revoke', { grantId: id }), 'unauthorized');
    await rejected(by(holder, 'consent.revoke', { grantId: grantId() }), 'notFound');
    await rejected(by(holder, 'consent.revoke', { grantId: id, reason: '' }), 'malformed');
    await rejected(by(holder, 'consent.revoke', { grantId: id, extra: 1 }), 'malformed');
    const { id: txId, time } = await commit(
      by(holder, 'consent.revoke', { grantId: id, reason: 'no longer a customer' }),
    );
    expect(readConsentGrant(state(), id)).toMatchObject({
      status: 'revoked',
      ended: { status: 'revoked', by: holder.did, time, txId, reason: 'no longer a customer' },
    });
    await rejected(by(holder, 'consent.revoke', { grantId: id }), 'conflict');
    await rejected(by(app, 'consent.renounce', { grantId: id }), 'conflict');
  });

  it('lets the grantee renounce; the grantor cannot renounce for it', async () => {
    const payload = terms();
    await commit(by(holder, 'consent.grant', payload));
    const id = payload.grantId as string;
    await rejected(by(holder, 'consent.renounce', { grantId: id }), 'unauthorized');
    await commit(by(app, 'consent.renounce', { grantId: id }));
    expect(readConsentGrant(state(), id)).toMatchObject({
      status: 'renounced',
      ended: { by: app.did },
    });
    expect(checkConsent(state(), query({ grantId: id }))).toMatchObject({
      allowed: false,
      reason: 'renounced',
    });
  });
});

describe('checkConsent', () => {
  it('answers each reason', async () => {
    const grantor = await newDid('ed25519');
    const base = { grantor: grantor.did, grantee: app.did };
    const q = (o: Partial<ConsentQuery> = {}) => query({ ...base, ...o });
    expect(checkConsent(state(), q())).toEqual({ allowed: false, reason: 'noGrant' });

    const start = Date.now() + DAY;
    const end = Date.now() + 10 * DAY;
    const payload = terms({
      ...base,
      scopes: ['financial'],
      purpose: 'loan-assessment',
      notBefore: start,
      expires: end,
    });
    await commit(by(grantor, 'consent.grant', payload));
    const id = payload.grantId as string;
    const during = start + DAY;
    const reason = (o: Partial<ConsentQuery>) => {
      const answer = checkConsent(state(), q({ scope: 'financial', at: during, ...o }));
      return answer.allowed ? 'allowed' : answer.reason;
    };
    expect(reason({})).toBe('allowed');
    expect(reason({ grantId: id, purpose: 'loan-assessment' })).toBe('allowed');
    expect(reason({ at: start - 1 })).toBe('notYetValid');
    expect(reason({ at: end })).toBe('expired');
    expect(reason({ scope: 'contact' })).toBe('noGrant');
    expect(reason({ grantId: id, scope: 'contact' })).toBe('scopeMismatch');
    expect(reason({ grantId: id, grantee: otherApp.did })).toBe('granteeMismatch');
    expect(reason({ grantId: id, grantor: holder.did })).toBe('grantorMismatch');
    expect(reason({ purpose: 'marketing' })).toBe('purposeMismatch');
    expect(reason({ grantId: grantId() })).toBe('noGrant');

    const { time: revokedAt } = await commit(by(grantor, 'consent.revoke', { grantId: id }));
    expect(reason({ at: revokedAt + 2 * DAY })).toBe('revoked');
    // Time-aware: before the revocation the grant was in force (not in this case: it had not started).
    expect(reason({ at: revokedAt - 1 })).toBe('notYetValid');
    // A newer grant for the pair answers; the revoked one no longer decides.
    const renewed = terms({ ...base, scopes: ['financial'], purpose: 'loan-assessment' });
    await commit(by(grantor, 'consent.grant', renewed));
    expect(reason({ at: Date.now() + DAY })).toBe('allowed');
    expect(reason({ at: Date.now() + DAY, grantId: id })).toBe('revoked');
  });

  it('reports a revocation only from its time on', async () => {
    const grantor = await newDid('ed25519');
    const payload = terms({ grantor: grantor.did });
    const { time: grantedAt } = await commit(by(grantor, 'consent.grant', payload));
    const { time: revokedAt } = await commit(
      by(grantor, 'consent.revoke', { grantId: payload.grantId }),
    );
    const at = (time: number) => checkConsent(state(), query({ grantor: grantor.did, at: time }));
    expect(at(grantedAt).allowed).toBe(true);
    expect(revokedAt).toBeGreaterThan(grantedAt);
    expect(at(revokedAt)).toMatchObject({ allowed: false, reason: 'revoked' });
    // A check of now refuses the revoked grant whatever time it names: a clock behind the
    // revocation's block time must not bring the grant back.
    expect(at(revokedAt - 1).allowed).toBe(true);
    expect(
      checkConsent(state(), query({ grantor: grantor.did, at: revokedAt - 1, current: true })),
    ).toMatchObject({ allowed: false, reason: 'revoked' });
  });

  it('refuses once the grantor or the grantee is deactivated', async () => {
    const grantor = await newDid('ed25519');
    const grantee = await newDid('ed25519');
    await commit(
      by(grantor, 'consent.grant', terms({ grantor: grantor.did, grantee: grantee.did })),
    );
    const q = query({ grantor: grantor.did, grantee: grantee.did, at: Date.now() + 1000 });
    expect(checkConsent(state(), q).allowed).toBe(true);
    await deactivate(grantee);
    expect(checkConsent(state(), q)).toMatchObject({ reason: 'granteeDeactivated' });
    await deactivate(grantor);
    expect(checkConsent(state(), q)).toMatchObject({ reason: 'grantorDeactivated' });
  });
});
