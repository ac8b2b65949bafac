import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { publicKeyToMultibase } from '../../src/core/keys/index.ts';
import { identityCommitment } from '../../src/core/identity/identity-commitment.ts';
import { signTransaction } from '../../src/ledger/transaction.ts';
import type { Transaction } from '../../src/ledger/transaction.ts';
import {
  readRealNameBinding,
  realNameRegistrationOfDid,
} from '../../src/ledger/registries/real-name-registry.ts';
import { readDisclosureOrder } from '../../src/ledger/registries/disclosure-order-registry.ts';
import { ledgerActions } from '../helpers/ledger-actions.ts';
import { governanceTx, openTestNode } from '../helpers/temp-node.ts';
import type { TestDid, TestNode } from '../helpers/temp-node.ts';

let t: TestNode;
const { by, commit, rejected, newDid } = ledgerActions(() => t);
let agency: TestDid;
let otherAgency: TestDid;
let issuerOnly: TestDid;
const networkKey = randomBytes(32);
const YEAR = 365 * 24 * 3600 * 1000;
const DAY = 24 * 3600 * 1000;
const nonce = () => randomBytes(12).toString('base64url');
const commitmentOf = (n: string) =>
  identityCommitment(networkKey, `CHN:residentIdentityNumber:${n}`);
const gov = (type: string, payload: object, signers?: number[]): Transaction =>
  governanceTx(t, type, payload, signers);

beforeAll(async () => {
  t = await openTestNode();
  agency = await newDid();
  otherAgency = await newDid();
  issuerOnly = await newDid();
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
  await commit(
    gov('trust.accredit', {
      nonce: nonce(),
      subject: issuerOnly.did,
      role: 'credentialIssuer',
      scope: { credentialTypes: ['RealNameIdentityCertificate'] },
      validUntil: Date.now() + YEAR,
    }),
  );
});
afterAll(async () => {
  await t.close();
});

async function deactivate(d: TestDid): Promise<void> {
  await commit(
    signTransaction(
      {
        chainId: t.chainId,
        type: 'did.deactivate',
        payload: {
          did: d.did,
          previousVersionId: '1',
          recoveryKey: publicKeyToMultibase(d.recovery.type, d.recovery.publicKey),
        },
      },
      [{ kid: 'recovery', type: d.recovery.type, privateKey: d.recovery.privateKey }],
    ),
  );
}

describe('real-name bindings: one person, one primary DID', () => {
  it('binds a commitment to a DID; the same person cannot bind a second DID at any agency', async () => {
    const person = await newDid();
    const c = commitmentOf('11010519491231002X');
    await commit(
      by(agency, 'realname.register', {
        nonce: nonce(),
        assurance: 'substantial',
        commitment: c,
        did: person.did,
      }),
    );
    expect(readRealNameBinding(t.ledger.state, c)).toMatchObject({
      did: person.did,
      agency: agency.did,
      assurance: 'substantial',
    });
    // The DID's own record names its agency but not the commitment: a person's DIDs stay
    // unlinkable on the ledger.
    const registration = realNameRegistrationOfDid(t.ledger.state, person.did);
    expect(registration).toMatchObject({ did: person.did, agency: agency.did });
    expect(JSON.stringify(registration)).not.toContain(c);

    const second = await newDid();
    for (const a of [agency, otherAgency]) {
      const err = await rejected(
        by(a, 'realname.register', {
          nonce: nonce(),
          assurance: 'substantial',
          commitment: c,
          did: second.did,
        }),
        'conflict',
      );
      expect(err.details?.reason).toBe('alreadyRegistered');
    }
    await rejected(
      by(otherAgency, 'realname.register', {
        nonce: nonce(),
        assurance: 'substantial',
        commitment: c,
        did: person.did,
      }),
      'conflict',
    );
    // One DID is one person: a second person cannot take a bound DID.
    const err = await rejected(
      by(otherAgency, 'realname.register', {
        nonce: nonce(),
        assurance: 'substantial',
        commitment: commitmentOf('110105194912310036'),
        did: person.did,
      }),
      'conflict',
    );
    expect(err.details?.reason).toBe('didTaken');
  });

  it('lets a person bind a new DID only once the old one is deactivated', async () => {
    const old = await newDid();
    const c = commitmentOf('440524190001010018');
    await commit(
      by(agency, 'realname.register', {
        nonce: nonce(),
        assurance: 'substantial',
        commitment: c,
        did: old.did,
      }),
    );
    await deactivate(old);
    const next = await newDid();
    await commit(
      by(otherAgency, 'realname.register', {
        nonce: nonce(),
        assurance: 'substantial',
        commitment: c,
        did: next.did,
      }),
    );
    expect(readRealNameBinding(t.ledger.state, c)).toMatchObject({
      did: next.did,
      agency: otherAgency.did,
    });
    // The old DID keeps its own record (a disclosure order about it goes to its agency).
    expect(realNameRegistrationOfDid(t.ledger.state, old.did)).toMatchObject({
      agency: agency.did,
      ended: { reason: 'deactivated' },
    });
    const orderId = nonce();
    await commit(
      gov('disclosure.order', {
        orderId,
        subject: old.did,
        recipient: next.did,
        legalBasis: 'test',
        caseReference: 'case-1',
        validUntil: Date.now() + DAY,
      }),
    );
    expect(readDisclosureOrder(t.ledger.state, orderId)?.agency).toBe(agency.did);
  });

  it('lets a registration at a higher assurance replace a squatter, never a lower or equal one', async () => {
    const squatter = await newDid();
    const victim = await newDid();
    const third = await newDid();
    const c = commitmentOf('11010519850505001X');
    const reg = (by_: TestDid, did: string, assurance: string) =>
      by(by_, 'realname.register', { nonce: nonce(), assurance, commitment: c, did });
    await commit(reg(agency, squatter.did, 'low'));
    // Someone with the same identity at the same assurance: refused.
    await rejected(reg(otherAgency, third.did, 'low'), 'conflict');
    // The real person, verified with a face check: the binding moves to their DID.
    await commit(reg(otherAgency, victim.did, 'high'));
    expect(readRealNameBinding(t.ledger.state, c)).toMatchObject({
      did: victim.did,
      assurance: 'high',
    });
    expect(realNameRegistrationOfDid(t.ledger.state, squatter.did)?.ended?.reason).toBe(
      'superseded',
    );
    await rejected(reg(agency, third.did, 'high'), 'conflict');
    await rejected(reg(agency, third.did, 'certain'), 'malformed');
  });

  it('is refused to non-agencies, to bad commitments, to inactive DIDs', async () => {
    const person = await newDid();
    const c = commitmentOf('11010519800101001X');
    await rejected(
      by(issuerOnly, 'realname.register', {
        nonce: nonce(),
        assurance: 'substantial',
        commitment: c,
        did: person.did,
      }),
      'unauthorized',
    );
    await rejected(
      by(person, 'realname.register', {
        nonce: nonce(),
        assurance: 'substantial',
        commitment: c,
        did: person.did,
      }),
      'unauthorized',
    );
    // An identity number (or its plain hash) is not a commitment.
    await rejected(
      by(agency, 'realname.register', {
        nonce: nonce(),
        assurance: 'substantial',
        commitment: '11010519800101001X',
        did: person.did,
      }),
      'malformed',
    );
    await rejected(
      by(agency, 'realname.register', {
        nonce: nonce(),
        assurance: 'substantial',
        commitment: c,
        did: person.did,
        name: '王芳',
      }),
      'malformed',
    );
    const gone = await newDid();
    await deactivate(gone);
    await rejected(
      by(agency, 'realname.register', {
        nonce: nonce(),
        assurance: 'substantial',
        commitment: c,
        did: gone.did,
      }),
      'notFound',
    );
    // A forged agency signature.
    await rejected(
      by(
        agency,
        'realname.register',
        { nonce: nonce(), assurance: 'low', commitment: c, did: person.did },
        person.signing,
      ),
      'badSignature',
    );
  });
});

describe('disclosure orders', () => {
  let subject: TestDid;
  let police: TestDid;
  const order = (over: object = {}) => ({
    orderId: nonce(),
    subject: subject.did,
    recipient: police.did,
    legalBasis: '《中华人民共和国刑事诉讼法》第一百三十七条',
    caseReference: '(2026)京0105刑初123号',
    validUntil: Date.now() + 30 * DAY,
    ...over,
  });

  beforeAll(async () => {
    subject = await newDid();
    police = await newDid();
    await commit(
      by(agency, 'realname.register', {
        nonce: nonce(),
        assurance: 'substantial',
        commitment: commitmentOf('110105199001010011'),
        did: subject.did,
      }),
    );
  });

  it('is made by the regulator threshold and addressed to the agency that verified the DID', async () => {
    const o = order();
    await rejected(gov('disclosure.order', o, [0]), 'unauthorized');
    await rejected(by(agency, 'disclosure.order', o), 'unknownKey');
    await commit(gov('disclosure.order', o));
    expect(readDisclosureOrder(t.ledger.state, o.orderId)).toMatchObject({
      subject: subject.did,
      agency: agency.did,
      recipient: police.did,
    });
    // The same order id again (signed by other governance keys: not a replay of the bytes).
    await rejected(
      gov('disclosure.order', { ...o, validUntil: o.validUntil + 1 }, [1, 2]),
      'conflict',
    );
  });

  it('refuses orders that carry personal data, name unknown DIDs or last too long', async () => {
    await rejected(
      gov('disclosure.order', order({ caseReference: '嫌疑人 110105199001010011' })),
      'malformed',
    );
    await rejected(gov('disclosure.order', order({ legalBasis: 'call 13812345678' })), 'malformed');
    // …with separators too: the digits are counted across them.
    for (const legalBasis of [
      'call 138 1234 5678',
      'call 138-1234-5678',
      '电话 １３８－１２３４－５６７８',
    ]) {
      const err = await rejected(gov('disclosure.order', order({ legalBasis })), 'malformed');
      expect(err.details).toMatchObject({ field: 'legalBasis', reason: 'personalNumber' });
    }
    await rejected(
      gov('disclosure.order', order({ caseReference: '110105 19900101 0011' })),
      'malformed',
    );
    await rejected(
      gov('disclosure.order', order({ validUntil: Date.now() + 100 * DAY })),
      'malformed',
    );
    await rejected(gov('disclosure.order', order({ subject: police.did })), 'notFound');
    await rejected(gov('disclosure.order', order({ name: '王芳' })), 'malformed');
  });

  it('is fulfilled once, by its agency, with a hash of the answer', async () => {
    const o = order();
    await commit(gov('disclosure.order', o));
    const responseHash = randomBytes(32).toString('base64url');
    await rejected(
      by(otherAgency, 'disclosure.fulfil', { orderId: o.orderId, responseHash }),
      'unauthorized',
    );
    await rejected(
      by(agency, 'disclosure.fulfil', { orderId: o.orderId, responseHash: 'abc' }),
      'malformed',
    );
    await rejected(by(agency, 'disclosure.fulfil', { orderId: nonce(), responseHash }), 'notFound');
    await commit(by(agency, 'disclosure.fulfil', { orderId: o.orderId, responseHash }));
    expect(readDisclosureOrder(t.ledger.state, o.orderId)?.fulfilment?.responseHash).toBe(
      responseHash,
    );
    await rejected(
      by(agency, 'disclosure.fulfil', {
        orderId: o.orderId,
        responseHash: randomBytes(32).toString('base64url'),
      }),
      'conflict',
    );
  });
});
