import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { DdiError } from '../../src/core/errors.ts';
import { accessLogEntryHash } from '../../src/core/consent/access-log-chain.ts';
import { buildHttpServer } from '../../src/services/http/server.ts';
import {
  AccessLog,
  DataAccessGate,
  createClient,
  didSigner,
  httpTransport,
  inProcessTransport,
  signDidAuthProof,
} from '../../src/clients/sdk/index.ts';
import type { AccessLogEntry, DdiClient, DidSigner } from '../../src/clients/sdk/index.ts';
import { freePort } from '../helpers/node-process.ts';
import { makeDid, openTestNode, tempDir } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

// The consent actions over both transports, and a data holder's gate, log and anchors.

let t: TestNode;
let app: FastifyInstance;
const clients: Record<string, DdiClient> = {};
let person: TestDid;
let insurer: TestDid;
let hospital: TestDid;
const signer = (d: TestDid): DidSigner => didSigner(d.did, 'key-1', d.signing);
const { dir, cleanup } = tempDir('ddi-consent-sdk-');
const DAY = 86_400_000;

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DdiError);
  return (err as DdiError).code;
}

beforeAll(async () => {
  t = await openTestNode();
  app = await buildHttpServer(t.node);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  clients.http = createClient(httpTransport(`http://127.0.0.1:${port}`));
  clients['in-process'] = createClient(inProcessTransport(t.node));
  person = makeDid(t.chainId, 'sm2');
  insurer = makeDid(t.chainId, 'p256');
  hospital = makeDid(t.chainId, 'ed25519');
  for (const d of [person, insurer, hospital]) await t.node.submit(d.createTx, { wait: true });
});
afterAll(async () => {
  await app.close();
  await t.close();
  cleanup();
});

describe.each(['http', 'in-process'])('consent actions over %s', (kind) => {
  const client = () => clients[kind]!;

  it('grants, reads, lists, checks and renounces', async () => {
    const granted = await client().grantConsent({
      signer: signer(person),
      grantee: insurer.did,
      scopes: ['contact', 'identity.basic'],
      purpose: 'policy-quote',
      expires: new Date(Date.now() + 7 * DAY),
    });
    expect(granted.status.status).toBe('committed');
    expect(granted.grantor).toBe(person.did);
    expect(await client().getConsent(granted.grantId)).toMatchObject({
      grantId: granted.grantId,
      scopes: ['contact', 'identity.basic'],
      status: 'active',
    });
    const page = await client().listConsents({ grantee: insurer.did, limit: 1 });
    expect(page.grants.map((g) => g.grantId)).toEqual([granted.grantId]);
    const check = { grantor: person.did, grantee: insurer.did, scope: 'contact' };
    expect(await client().checkConsent({ ...check, purpose: 'policy-quote' })).toMatchObject({
      allowed: true,
    });
    expect(await client().checkConsent({ ...check, at: Date.now() + 8 * DAY })).toMatchObject({
      allowed: false,
      reason: 'expired',
    });

    // The grantor cannot renounce for the grantee; the grantee can.
    expect(
      await codeOf(client().renounceConsent({ signer: signer(person), grantId: granted.grantId })),
    ).toBe('unauthorized');
    await client().renounceConsent({ signer: signer(insurer), grantId: granted.grantId });
    expect(await client().checkConsent({ ...check, grantId: granted.grantId })).toMatchObject({
      allowed: false,
      reason: 'renounced',
    });
  });

  it('refuses with typed errors', async () => {
    expect(
      await codeOf(
        client().grantConsent({
          signer: signer(person),
          grantee: insurer.did,
          scopes: ['health', 'contact'],
          purpose: 'claims',
          expires: Date.now() + DAY,
        }),
      ),
    ).toBe('malformed');
    expect(
      await codeOf(
        client().grantConsent({
          signer: signer(insurer),
          grantee: insurer.did,
          scopes: ['contact'],
          purpose: 'claims',
          expires: Date.now() - DAY,
        }),
      ),
    ).toBe('malformed');
    expect(await codeOf(client().getConsent('no-such-grant'))).toBe('notFound');
    expect(await codeOf(client().listConsents({}))).toBe('malformed');
    expect(
      await codeOf(
        client().checkConsent({ grantor: person.did, grantee: insurer.did, scope: 'x' }),
      ),
    ).toBe('malformed');
    expect(
      await codeOf(
        client().anchorAccessLog({ signer: signer(hospital), logId: 'x', sequence: 0, head: '' }),
      ),
    ).toBe('malformed');
    expect(await codeOf(client().getAuditAnchor(hospital.did, 'never-anchored'))).toBe('notFound');
  });
});

describe('a data holder’s gate, access log and anchors', () => {
  const client = () => clients.http!;
  const logId = 'medical-records';
  let log: AccessLog;
  let gate: DataAccessGate;
  let grantId: string;
  /** `d`'s answer to a fresh challenge of `g`: what a grantee sends with its request. */
  const proofBy = (d: TestDid, g = gate) => {
    const challenge = g.challenge();
    return signDidAuthProof({
      kid: `${d.did}#key-1`,
      signer: { type: d.signing.type, privateKey: d.signing.privateKey },
      audience: challenge.audience,
      nonce: challenge.nonce,
    });
  };
  const request = (g = gate) => ({
    grantor: person.did,
    grantee: insurer.did,
    proof: proofBy(insurer, g),
    scope: 'health',
    purpose: 'claim-settlement',
  });
  const records = () => ({ diagnosis: 'stays with the hospital' });

  beforeAll(async () => {
    log = AccessLog.open(join(dir, 'access-log.sqlite'), { holder: hospital.did, logId });
    gate = new DataAccessGate(client(), log);
    grantId = (
      await client().grantConsent({
        signer: signer(person),
        grantee: insurer.did,
        scopes: ['health'],
        purpose: 'claim-settlement',
        expires: Date.now() + 30 * DAY,
      })
    ).grantId;
  });
  afterAll(() => log.close());

  it('releases data under a grant and refuses it once revoked, logging both before release', async () => {
    let reads = 0;
    const read = () => {
      reads++;
      return records();
    };
    expect(await gate.release({ ...request(), grantId }, read)).toEqual(records());
    expect(reads).toBe(1);
    expect(log.entries().at(-1)).toMatchObject({
      sequence: 1,
      grantId,
      grantor: person.did,
      grantee: insurer.did,
      scope: 'health',
      purpose: 'claim-settlement',
      decision: 'allowed',
      reason: null,
    });

    await client().revokeConsent({ signer: signer(person), grantId, reason: 'claim settled' });
    const refused = await gate.release({ ...request(), grantId }, read).then(
      () => undefined,
      (e: unknown) => e as DdiError,
    );
    expect(refused).toBeInstanceOf(DdiError);
    expect(refused!.code).toBe('unauthorized');
    expect(refused!.details).toEqual({ reason: 'revoked', sequence: 2 });
    expect(reads).toBe(1);
    // The refusal is in the log, with the grant it was refused under.
    expect(log.entries().at(-1)).toMatchObject({
      sequence: 2,
      grantId,
      decision: 'refused',
      reason: 'revoked',
    });
    // Without naming the grant, the pair's revoked grant still answers: refused, logged.
    const unnamed = await gate.check(request());
    expect(unnamed).toMatchObject({ allowed: false, reason: 'revoked' });
    expect(unnamed.entry).toMatchObject({ sequence: 3, grantId, decision: 'refused' });
  });

  it('fails closed: malformed requests and an unreachable ledger are refused and logged', async () => {
    const bad = await gate.check({ ...request(), scope: 'dna' });
    expect(bad).toMatchObject({ allowed: false, reason: 'malformed' });
    expect(bad.entry).toMatchObject({ scope: 'dna', decision: 'refused', reason: 'malformed' });

    const offline = createClient(
      httpTransport(`http://127.0.0.1:${await freePort()}`, { timeoutMs: 5_000 }),
    );
    const offlineGate = new DataAccessGate(offline, log);
    let read = false;
    const err = await offlineGate
      .release(request(offlineGate), () => {
        read = true;
      })
      .then(
        () => undefined,
        (e: unknown) => e as DdiError,
      );
    expect(err?.details).toMatchObject({ reason: 'checkFailed' });
    expect(read).toBe(false);
    expect(log.entries().at(-1)).toMatchObject({ decision: 'refused', reason: 'checkFailed' });
  });

  it('anchors the head; an exported segment verifies against it, a tampered one does not', async () => {
    const first = log.head();
    expect(first.sequence).toBe(5);
    await client().anchorAccessLog({ signer: signer(hospital), ...first });
    expect(await client().getAuditAnchor(hospital.did, logId)).toMatchObject({
      holder: hospital.did,
      logId,
      sequence: 5,
      head: first.head,
    });
    expect(await codeOf(client().anchorAccessLog({ signer: signer(hospital), ...first }))).toBe(
      'replay',
    );
    // An anchor never goes back: a holder cannot re-anchor an earlier, rewritten head.
    expect(
      await codeOf(client().anchorAccessLog({ signer: signer(hospital), ...first, sequence: 4 })),
    ).toBe('conflict');

    const exported = log.entries();
    expect(
      await client().verifyAccessLog({ holder: hospital.did, logId, entries: exported }),
    ).toEqual({ valid: true, from: 1, to: 5, anchoredThrough: 5 });
    expect(log.verify(await client().getAuditAnchor(hospital.did, logId))).toMatchObject({
      valid: true,
    });

    // More access, a second anchor; a later segment checks against both ends.
    await gate.check(request());
    await gate.check(request());
    await client().anchorAccessLog({ signer: signer(hospital), ...log.head() });
    const later = log.entries(6, 7);
    expect(await client().verifyAccessLog({ holder: hospital.did, logId, entries: later })).toEqual(
      { valid: true, from: 6, to: 7, anchoredThrough: 7 },
    );
    // The first export now stops short of the latest anchor: entries were left out.
    expect(
      await client().verifyAccessLog({ holder: hospital.did, logId, entries: exported }),
    ).toEqual({ valid: false, reason: 'truncated', sequence: 7 });
    expect(
      await client().verifyAccessLog({
        holder: hospital.did,
        logId,
        entries: exported,
        anchorSequence: 5,
      }),
    ).toEqual({ valid: true, from: 1, to: 5, anchoredThrough: 5 });
    // The whole log, 1 to 7, is checked against both anchors.
    expect(
      await client().verifyAccessLog({ holder: hospital.did, logId, entries: log.entries(1, 7) }),
    ).toEqual({ valid: true, from: 1, to: 7, anchoredThrough: 7 });

    // Tampering with a logged refusal: turned into an allowed access.
    const tampered = exported.map((e) => ({ ...e }));
    tampered[1] = { ...tampered[1]!, decision: 'allowed', reason: null };
    expect(
      await client().verifyAccessLog({
        holder: hospital.did,
        logId,
        entries: tampered,
        anchorSequence: 5,
      }),
    ).toEqual({ valid: false, reason: 'hashMismatch', sequence: 2 });
    // ...with its hash recomputed: the next entry no longer chains to it.
    const { hash: _old, ...rest } = tampered[1]!;
    tampered[1]!.hash = accessLogEntryHash({ holder: hospital.did, logId }, rest);
    expect(
      await client().verifyAccessLog({
        holder: hospital.did,
        logId,
        entries: tampered,
        anchorSequence: 5,
      }),
    ).toEqual({ valid: false, reason: 'brokenChain', sequence: 3 });
    // ...and the whole chain rewritten after it: the anchored head no longer matches.
    let prev = tampered[1]!.hash;
    for (const entry of tampered.slice(2)) {
      entry.prevHash = prev;
      const { hash: _h, ...unhashed } = entry;
      entry.hash = accessLogEntryHash({ holder: hospital.did, logId }, unhashed);
      prev = entry.hash;
    }
    expect(
      await client().verifyAccessLog({
        holder: hospital.did,
        logId,
        entries: tampered,
        anchorSequence: 5,
      }),
    ).toEqual({ valid: false, reason: 'anchorMismatch', sequence: 5 });
    // A dropped entry is a gap; a segment that skips the start no longer meets the anchor before it.
    const dropped = exported.filter((e) => e.sequence !== 3);
    expect(
      await client().verifyAccessLog({
        holder: hospital.did,
        logId,
        entries: dropped,
        anchorSequence: 5,
      }),
    ).toMatchObject({ valid: false, reason: 'gap' });
    const forged: AccessLogEntry[] = later.map((e) => ({ ...e }));
    forged[0]!.prevHash = '1'.repeat(64);
    expect(
      await client().verifyAccessLog({ holder: hospital.did, logId, entries: forged }),
    ).toMatchObject({ valid: false, reason: 'startMismatch' });
  });

  it('is append-only in SQLite, and an edit made straight to the file is caught', async () => {
    const anchor = await client().getAuditAnchor(hospital.did, logId);
    const file = join(dir, 'access-log.sqlite');
    const db = new Database(file);
    expect(() =>
      db.prepare("UPDATE access_log SET decision = 'allowed' WHERE sequence = 2").run(),
    ).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM access_log WHERE sequence = 2').run()).toThrow(
      /append-only/,
    );
    // Someone with the file drops the triggers and rewrites a refusal.
    db.exec('DROP TRIGGER access_log_no_update');
    db.prepare(
      "UPDATE access_log SET decision = 'allowed', reason = NULL WHERE sequence = 2",
    ).run();
    db.close();
    expect(log.verify(anchor)).toEqual({ valid: false, reason: 'hashMismatch', sequence: 2 });
  });

  it('keeps a file to one log', () => {
    const file = join(dir, 'other.sqlite');
    AccessLog.open(file, { holder: hospital.did, logId: 'a' }).close();
    expect(() => AccessLog.open(file, { holder: hospital.did, logId: 'b' })).toThrow(
      expect.objectContaining({ code: 'conflict' }),
    );
  });

  it('checks the log on disk against the ledger’s anchor, not against its own head', async () => {
    const file = join(dir, 'rewritten.sqlite');
    const id = { holder: hospital.did, logId: 'rewritten' };
    const own = AccessLog.open(file, id);
    const attempt = { grantId: null, grantor: person.did, grantee: insurer.did, scope: 'health' };
    for (const decision of ['refused', 'refused', 'allowed'] as const) {
      own.append({
        ...attempt,
        purpose: null,
        decision,
        reason: decision === 'refused' ? 'noGrant' : null,
      });
    }
    await client().anchorAccessLog({ signer: signer(hospital), ...own.head() });
    const anchor = await client().getAuditAnchor(hospital.did, 'rewritten');
    expect(own.verify(anchor)).toMatchObject({ valid: true, anchoredThrough: 3 });
    // Someone with the file turns refusal 2 into an access and rewrites the chain after it.
    const db = new Database(file);
    db.exec('DROP TRIGGER access_log_no_update');
    const entries = own.entries();
    let prev = entries[0]!.hash;
    for (const entry of entries.slice(1)) {
      const changed = entry.sequence === 2 ? { decision: 'allowed' as const, reason: null } : {};
      const { hash: _h, ...rest } = { ...entry, ...changed, prevHash: prev };
      const hash = accessLogEntryHash(id, rest);
      db.prepare(
        'UPDATE access_log SET decision = ?, reason = ?, prev_hash = ?, hash = ? WHERE sequence = ?',
      ).run(rest.decision, rest.reason, rest.prevHash, hash, entry.sequence);
      prev = hash;
    }
    db.close();
    // The file agrees with itself; only the anchor shows the rewrite.
    expect(own.entries()[1]).toMatchObject({ decision: 'allowed' });
    expect(own.verify(anchor)).toEqual({ valid: false, reason: 'anchorMismatch', sequence: 3 });
    own.close();
  });

  it('logs, and refuses, a request whose fields the log cannot take as they are', async () => {
    const before = log.head().sequence;
    const long = 'g'.repeat(600);
    for (const grantId of ['', long]) {
      const result = await gate.check({ ...request(), grantId });
      expect(result).toMatchObject({ allowed: false, reason: 'malformed' });
    }
    const odd = await gate.check({
      ...request(),
      scope: 42 as unknown as string,
      purpose: 'p'.repeat(513),
    });
    expect(odd).toMatchObject({ allowed: false, reason: 'malformed' });
    const logged = log.entries(before + 1);
    expect(logged.map((e) => [e.grantId, e.decision, e.reason])).toEqual([
      ['[empty]', 'refused', 'malformed'],
      [`${'g'.repeat(448)}…[600 characters]`, 'refused', 'malformed'],
      [null, 'refused', 'malformed'],
    ]);
    expect(logged[2]).toMatchObject({ scope: '[not text: number]' });
    expect(logged[2]!.purpose).toMatch(/^p+…\[513 characters\]$/);
  });

  it('asks the ledger about now, so a revocation counts at once whatever the holder’s clock says', async () => {
    const asked: unknown[] = [];
    // The real client, with the questions it is asked recorded.
    const recording = {
      checkConsent: (q: Parameters<DdiClient['checkConsent']>[0]) => {
        asked.push(q);
        return client().checkConsent(q);
      },
      resolveDid: (did: string) => client().resolveDid(did),
    };
    const slowLog = AccessLog.open(join(dir, 'slow-clock.sqlite'), {
      holder: hospital.did,
      logId: 'slow',
    });
    // A holder whose clock runs 30 s behind the ledger's blocks.
    const slow = new DataAccessGate(recording, slowLog, { now: () => Date.now() - 30_000 });
    const live = (
      await client().grantConsent({
        signer: signer(person),
        grantee: insurer.did,
        scopes: ['health'],
        purpose: 'claim-settlement',
        expires: Date.now() + 30 * DAY,
      })
    ).grantId;
    await client().revokeConsent({ signer: signer(person), grantId: live });
    expect(await slow.check({ ...request(slow), grantId: live })).toMatchObject({
      allowed: false,
      reason: 'revoked',
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]).not.toHaveProperty('at');
    slowLog.close();
  });

  it('refuses, and logs, a request under someone else’s grant without the grantee’s proof', async () => {
    const snoop = makeDid(t.chainId, 'ed25519');
    await t.node.submit(snoop.createTx, { wait: true });
    const live = (
      await client().grantConsent({
        signer: signer(person),
        grantee: insurer.did,
        scopes: ['health'],
        purpose: 'claim-settlement',
        expires: Date.now() + 30 * DAY,
      })
    ).grantId;
    // The grant and its id are public: the snoop names it, claiming to be the insurer.
    let reads = 0;
    const read = () => {
      reads++;
      return records();
    };
    const attempts = [
      { ...request(), grantId: live, proof: proofBy(snoop) }, // its own proof, not the insurer's
      { ...request(), grantId: live, proof: '' }, // no proof
      { ...request(), grantId: live, proof: proofBy(insurer).slice(0, -4) + 'AAAA' }, // forged
    ];
    for (const attempt of attempts) {
      const before = log.head().sequence;
      const err = await gate.release(attempt, read).then(
        () => undefined,
        (e: unknown) => e as DdiError,
      );
      expect(err?.code).toBe('unauthorized');
      expect(err?.details).toEqual({ reason: 'unauthenticated', sequence: before + 1 });
      expect(log.entries().at(-1)).toMatchObject({
        grantId: live,
        grantee: insurer.did,
        decision: 'refused',
        reason: 'unauthenticated',
      });
    }
    // A proof for another holder, and a proof used twice, are refused too.
    const elsewhereLog = AccessLog.open(join(dir, 'elsewhere.sqlite'), {
      holder: insurer.did,
      logId: 'x',
    });
    const elsewhere = new DataAccessGate(client(), elsewhereLog);
    expect(
      await gate.check({ ...request(), grantId: live, proof: proofBy(insurer, elsewhere) }),
    ).toMatchObject({ allowed: false, reason: 'unauthenticated' });
    elsewhereLog.close();
    const once = { ...request(), grantId: live };
    expect(await gate.check(once)).toMatchObject({ allowed: true });
    expect(await gate.check(once)).toMatchObject({ allowed: false, reason: 'unauthenticated' });
    expect(reads).toBe(0);
    // With the insurer's own proof the data is released.
    expect(await gate.release({ ...request(), grantId: live }, read)).toEqual(records());
    expect(reads).toBe(1);
  });
});
