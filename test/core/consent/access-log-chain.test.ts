import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../src/core/encoding/canonical-json.ts';
import {
  ACCESS_LOG_GENESIS_HASH,
  accessLogEntryHash,
  verifyAccessLogSegment,
} from '../../../src/core/consent/access-log-chain.ts';
import type { AccessLogEntry } from '../../../src/core/consent/access-log-chain.ts';
import {
  DATA_CATEGORY_NAMES,
  isDataCategory,
  isSensitiveCategory,
} from '../../../src/core/consent/data-categories.ts';

const log = { holder: 'did:ddi:hospital', logId: 'records' };

/** A chain of `n` entries built by the module under test. */
function chain(n: number, id = log): AccessLogEntry[] {
  const entries: AccessLogEntry[] = [];
  let prevHash = ACCESS_LOG_GENESIS_HASH;
  for (let sequence = 1; sequence <= n; sequence++) {
    const unhashed = {
      sequence,
      time: 1_700_000_000_000 + sequence,
      grantId: sequence % 2 ? 'grant-0001' : null,
      grantor: 'did:ddi:person',
      grantee: 'did:ddi:insurer',
      scope: 'health',
      purpose: null,
      decision: sequence % 2 ? ('allowed' as const) : ('refused' as const),
      reason: sequence % 2 ? null : 'revoked',
      prevHash,
    };
    const entry = { ...unhashed, hash: accessLogEntryHash(id, unhashed) };
    entries.push(entry);
    prevHash = entry.hash;
  }
  return entries;
}

describe('access log hash chain', () => {
  it('hashes the documented bytes: prefix, then JCS of the entry with holder and log id', () => {
    const [first] = chain(1);
    const { hash, ...rest } = first!;
    // The spec in docs/data-authorization.md, computed independently of the module.
    const expected = createHash('sha256')
      .update('ddi/access-log/v1\n')
      .update(canonicalJson({ holder: log.holder, logId: log.logId, ...rest }))
      .digest('hex');
    expect(hash).toBe(expected);
    // Bound to the log: the same entry in another holder's log hashes differently.
    expect(accessLogEntryHash({ ...log, holder: 'did:ddi:bank' }, rest)).not.toBe(hash);
  });

  it('verifies a whole chain and a segment against anchors at either end', () => {
    const entries = chain(6);
    const at = (n: number) => ({ sequence: n, head: entries[n - 1]!.hash });
    expect(verifyAccessLogSegment(log, entries, at(6))).toEqual({
      valid: true,
      from: 1,
      to: 6,
      anchoredThrough: 6,
    });
    // Entries after the anchored one are chained but not yet anchored.
    expect(verifyAccessLogSegment(log, entries, at(4))).toMatchObject({ anchoredThrough: 4 });
    expect(verifyAccessLogSegment(log, entries.slice(3), at(6), at(3))).toMatchObject({
      valid: true,
      from: 4,
    });
  });

  it('checks every anchor a segment covers: a rewrite before a later anchor is caught by the earlier one', () => {
    const honest = chain(7);
    const anchoredAt5 = { sequence: 5, head: honest[4]!.hash };
    // The holder rewrites entry 2 (a refusal made an allowed access), recomputes every hash,
    // and anchors the rewritten log at 7: the latest anchor agrees with the forgery...
    const forged = honest.map((e) => ({ ...e }));
    forged[1] = { ...forged[1]!, decision: 'allowed', reason: null };
    let prevHash = forged[0]!.hash;
    for (const entry of forged.slice(1)) {
      entry.prevHash = prevHash;
      const { hash: _h, ...unhashed } = entry;
      entry.hash = accessLogEntryHash(log, unhashed);
      prevHash = entry.hash;
    }
    const anchoredAt7 = { sequence: 7, head: forged[6]!.hash };
    expect(verifyAccessLogSegment(log, forged, anchoredAt7)).toMatchObject({ valid: true });
    // ...but not the anchor at 5.
    expect(verifyAccessLogSegment(log, forged, [anchoredAt7, anchoredAt5])).toEqual({
      valid: false,
      reason: 'anchorMismatch',
      sequence: 5,
    });
    expect(
      verifyAccessLogSegment(log, honest, [anchoredAt5, { sequence: 7, head: honest[6]!.hash }]),
    ).toEqual({ valid: true, from: 1, to: 7, anchoredThrough: 7 });
  });

  it('names what is wrong', () => {
    const entries = chain(4);
    const anchor = { sequence: 4, head: entries[3]!.hash };
    expect(verifyAccessLogSegment(log, [], anchor)).toEqual({ valid: false, reason: 'empty' });
    expect(verifyAccessLogSegment(log, entries.slice(0, 3), anchor)).toEqual({
      valid: false,
      reason: 'notCovered',
      sequence: 4,
    });
    expect(
      verifyAccessLogSegment(log, entries, { sequence: 4, head: entries[2]!.hash }),
    ).toMatchObject({ reason: 'anchorMismatch' });
    expect(verifyAccessLogSegment({ ...log, logId: 'other' }, entries, anchor)).toMatchObject({
      reason: 'hashMismatch',
      sequence: 1,
    });
    const badStart = chain(4).map((e) => ({ ...e }));
    badStart[0]!.prevHash = 'f'.repeat(64);
    expect(verifyAccessLogSegment(log, badStart, anchor)).toMatchObject({
      reason: 'startMismatch',
      sequence: 1,
    });
    expect(
      verifyAccessLogSegment(log, entries.slice(2), anchor, { sequence: 2, head: 'e'.repeat(64) }),
    ).toMatchObject({ reason: 'startMismatch', sequence: 3 });
  });
});

describe('data categories', () => {
  it('flags exactly the PIPL art. 28 categories as sensitive', () => {
    expect(DATA_CATEGORY_NAMES.filter(isSensitiveCategory).sort()).toEqual(
      [
        'biometric',
        'financial',
        'health',
        'identity.specific',
        'location',
        'minor',
        'religion',
      ].sort(),
    );
    expect(isDataCategory('contact')).toBe(true);
    expect(isDataCategory('toString')).toBe(false);
    expect(isDataCategory('dna')).toBe(false);
  });
});
