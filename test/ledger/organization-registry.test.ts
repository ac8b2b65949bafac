import { ledgerActions } from '../helpers/ledger-actions.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { usccCheckCharacter } from '../../src/core/org/unified-social-credit-code.ts';
import type { Transaction } from '../../src/ledger/transaction.ts';
import {
  organizationOfDid,
  readOrganization,
} from '../../src/ledger/registries/organization-registry.ts';
import { openTestNode, governanceTx } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

let t: TestNode;
const { by, commit, rejected, newDid } = ledgerActions(() => t);
let agency: TestDid;
let otherAgency: TestDid;
const nonce = () => randomBytes(12).toString('base64url');
const YEAR = 365 * 24 * 3600 * 1000;
// A code built with the GB 32100 check character (business, Fuzhou), and a second one.
const CODE = '91350100M000100Y4' + usccCheckCharacter('91350100M000100Y4');
const CODE2 = '12100000400000398' + usccCheckCharacter('12100000400000398');

const gov = (type: string, payload: object, signers?: number[]): Transaction =>
  governanceTx(t, type, payload, signers);

beforeAll(async () => {
  t = await openTestNode();
  agency = await newDid();
  otherAgency = await newDid();
  for (const a of [agency, otherAgency]) {
    await commit(
      gov('trust.accredit', {
        nonce: nonce(),
        subject: a.did,
        role: 'identityVerificationAgency',
        validUntil: Date.now() + YEAR,
      }),
    );
  }
});
afterAll(async () => {
  await t.close();
});

describe('organizations by Unified Social Credit Code', () => {
  it('binds a valid code to one primary DID, registered by an accredited agency', async () => {
    const org = await newDid();
    await rejected(
      by(org, 'org.register', { nonce: nonce(), uscc: CODE, did: org.did, kind: 'business' }),
      'unauthorized',
    );
    const wrongCheck = CODE.slice(0, 17) + (CODE[17] === '0' ? '1' : '0');
    await rejected(
      by(agency, 'org.register', {
        nonce: nonce(),
        uscc: wrongCheck,
        did: org.did,
        kind: 'business',
      }),
      'malformed',
    );
    await commit(
      by(agency, 'org.register', { nonce: nonce(), uscc: CODE, did: org.did, kind: 'business' }),
    );
    expect(readOrganization(t.ledger.state, CODE)).toMatchObject({
      primaryDid: org.did,
      registeredBy: agency.did,
      kind: 'business',
    });
    expect(organizationOfDid(t.ledger.state, org.did)?.uscc).toBe(CODE);

    const impostor = await newDid();
    await rejected(
      by(otherAgency, 'org.register', {
        nonce: nonce(),
        uscc: CODE,
        did: impostor.did,
        kind: 'business',
      }),
      'conflict',
    );
    await rejected(
      by(agency, 'org.register', {
        nonce: nonce(),
        uscc: CODE2,
        did: org.did,
        kind: 'publicInstitution',
      }),
      'conflict',
    );

    // Only the registering agency (or the regulator) ends the binding.
    await rejected(
      by(otherAgency, 'org.deregister', { uscc: CODE, previousVersion: 1 }),
      'unauthorized',
    );
    await commit(
      by(agency, 'org.deregister', { uscc: CODE, previousVersion: 1, reason: 'merger' }),
    );
    expect(readOrganization(t.ledger.state, CODE)?.primaryDid).toBeNull();
    await commit(
      gov('org.register', { nonce: nonce(), uscc: CODE, did: impostor.did, kind: 'business' }),
    );
    expect(readOrganization(t.ledger.state, CODE)).toMatchObject({
      primaryDid: impostor.did,
      version: 3,
    });
  });
});
