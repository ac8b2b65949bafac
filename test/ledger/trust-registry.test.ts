import { ledgerActions } from '../helpers/ledger-actions.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { signTransaction } from '../../src/ledger/transaction.ts';
import type { Transaction } from '../../src/ledger/transaction.ts';
import {
  checkAccreditation,
  readAccreditation,
} from '../../src/ledger/registries/trust-registry.ts';
import type { AccreditationQuery } from '../../src/ledger/registries/trust-registry.ts';
import { readGovernance } from '../../src/ledger/registries/governance-registry.ts';
import { readTemplate } from '../../src/ledger/registries/template-registry.ts';
import { contentFor, openTestNode, governanceTx } from '../helpers/temp-node.ts';
import type { TestDid, TestNode, TestRegulator } from '../helpers/temp-node.ts';

const YEAR = 365 * 24 * 3600 * 1000;
const DEGREE = 'UniversityDegreeCredential';
const LICENSE = 'DrivingLicenseCredential';

let t: TestNode;
const { by, rejected, newDid, commit } = ledgerActions(() => t);
let reg: TestRegulator;
const nonce = () => randomBytes(12).toString('base64url');

beforeAll(async () => {
  t = await openTestNode();
  reg = t.regulator!;
});
afterAll(async () => {
  await t.close();
});

const gov = (type: string, payload: object, signers?: number[]): Transaction =>
  governanceTx(t, type, payload, signers);

/** A transaction signed by one DID's key-1. */

const check = (q: Omit<AccreditationQuery, 'at'> & { at?: number }) =>
  checkAccreditation(t.ledger.state, { at: Date.now(), ...q });

function template(id: string, credentialType: string, version = 1) {
  return {
    id,
    version,
    credentialType,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { degree: { type: 'string' }, year: { type: 'integer' } },
      required: ['degree'],
      additionalProperties: false,
    },
    display: { 'zh-CN': { name: '学位证书' }, en: { name: 'University degree' } },
  };
}

describe('the Root TAO → TAO → issuer chain', () => {
  let authority: TestDid;
  let issuer: TestDid;
  let authorityAcc: string;
  let issuerAcc: string;
  const marks: Record<string, number> = {};

  it('lets the regulator (2 of 3) accredit an accreditation authority, and refuses 1 of 3', async () => {
    authority = await newDid();
    const payload = {
      nonce: nonce(),
      subject: authority.did,
      role: 'accreditationAuthority',
      scope: { credentialTypes: [DEGREE, 'TranscriptCredential'] },
      validUntil: Date.now() + 2 * YEAR,
    };
    const err = await rejected(gov('trust.accredit', payload, [2]), 'unauthorized');
    expect(err.details).toEqual({ threshold: 2, signatures: 1 });
    authorityAcc = (await commit(gov('trust.accredit', payload, [0, 2]))).id;
    expect(check({ subject: authority.did, role: 'accreditationAuthority' })).toMatchObject({
      accredited: true,
    });
  });

  it('lets the authority accredit an issuer for one credential type inside its scope only', async () => {
    issuer = await newDid();
    await rejected(
      by(authority, 'trust.accredit', {
        nonce: nonce(),
        subject: issuer.did,
        role: 'credentialIssuer',
        scope: { credentialTypes: [LICENSE] },
        validUntil: Date.now() + YEAR,
      }),
      'unauthorized',
    );
    await rejected(
      by(authority, 'trust.accredit', {
        nonce: nonce(),
        subject: issuer.did,
        role: 'credentialIssuer',
        scope: { credentialTypes: [DEGREE] },
        validUntil: Date.now() + 3 * YEAR,
      }),
      'unauthorized',
    );
    await rejected(
      by(authority, 'trust.accredit', {
        nonce: nonce(),
        subject: issuer.did,
        role: 'accreditationAuthority',
        scope: { credentialTypes: [DEGREE] },
        validUntil: Date.now() + YEAR,
      }),
      'unauthorized',
    );
    const granted = await commit(
      by(authority, 'trust.accredit', {
        nonce: nonce(),
        subject: issuer.did,
        role: 'credentialIssuer',
        scope: { credentialTypes: [DEGREE] },
        validUntil: Date.now() + YEAR,
      }),
    );
    issuerAcc = granted.id;
    marks.granted = granted.time;
    const answer = check({ subject: issuer.did, role: 'credentialIssuer', credentialType: DEGREE });
    expect(answer.accredited).toBe(true);
    expect(answer.chain.map((a) => [a.subject, a.role, a.grantedBy])).toEqual([
      [issuer.did, 'credentialIssuer', authority.did],
      [authority.did, 'accreditationAuthority', reg.did],
    ]);
    expect(readAccreditation(t.ledger.state, issuerAcc)!.parent).toBe(authorityAcc);
    expect(
      check({ subject: issuer.did, role: 'credentialIssuer', credentialType: LICENSE }),
    ).toMatchObject({ accredited: false, reason: 'outOfScope' });
    expect(
      check({
        subject: issuer.did,
        role: 'credentialIssuer',
        credentialType: DEGREE,
        at: marks.granted - 1,
      }),
    ).toMatchObject({ accredited: false });
  });

  it('lets the issuer register a template for its type, immutably; refuses others', async () => {
    await commit(
      by(issuer, 'template.register', { template: template('edu.example.degree', DEGREE) }),
    );
    expect(readTemplate(t.ledger.state, 'edu.example.degree')!.issuer).toBe(issuer.did);
    // Same id and version, other content: templates are immutable.
    const again = {
      ...template('edu.example.degree', DEGREE),
      display: { 'zh-CN': { name: '学位' }, en: { name: 'Degree' } },
    };
    await rejected(by(issuer, 'template.register', { template: again }), 'conflict');
    await rejected(
      by(issuer, 'template.register', { template: template('edu.example.license', LICENSE) }),
      'unauthorized',
    );
    const stranger = await newDid();
    await rejected(
      by(stranger, 'template.register', { template: template('edu.example.other', DEGREE) }),
      'unauthorized',
    );
    await commit(
      by(issuer, 'template.register', { template: template('edu.example.degree', DEGREE, 2) }),
    );
    expect(readTemplate(t.ledger.state, 'edu.example.degree')!.template.version).toBe(2);
    expect(readTemplate(t.ledger.state, 'edu.example.degree', 1)!.template.version).toBe(1);
    await rejected(
      by(issuer, 'template.register', { template: template('edu.example.degree', DEGREE, 4) }),
      'malformed',
    );
  });

  it('applies suspension, reinstatement and revocation at their block heights, and answers history', async () => {
    const status = (
      version: number,
      s: string,
      signer: 'authority' | 'regulator' = 'authority',
    ) => {
      const payload = {
        accreditation: issuerAcc,
        previousVersion: version,
        status: s,
        reason: 'audit',
      };
      return signer === 'authority'
        ? by(authority, 'trust.setStatus', payload)
        : gov('trust.setStatus', payload);
    };
    // The issuer cannot touch its own accreditation, even with a change that changes nothing.
    await rejected(
      by(issuer, 'trust.setStatus', {
        accreditation: issuerAcc,
        previousVersion: 1,
        status: 'active',
      }),
      'unauthorized',
    );
    await rejected(status(7, 'suspended'), 'staleVersion');

    marks.suspended = (await commit(status(1, 'suspended'))).time;
    await rejected(
      by(issuer, 'template.register', { template: template('edu.example.degree', DEGREE, 3) }),
      'unauthorized',
    );
    marks.reinstated = (await commit(status(2, 'active', 'regulator'))).time;
    marks.revoked = (await commit(status(3, 'revoked'))).time;
    await rejected(status(4, 'active'), 'conflict');

    const at = (time: number) =>
      check({ subject: issuer.did, role: 'credentialIssuer', credentialType: DEGREE, at: time });
    expect(at(marks.granted!)).toMatchObject({ accredited: true });
    expect(at(marks.suspended! - 1)).toMatchObject({ accredited: true });
    expect(at(marks.suspended!)).toMatchObject({ accredited: false, reason: 'suspended' });
    expect(at(marks.reinstated! - 1)).toMatchObject({ accredited: false, reason: 'suspended' });
    expect(at(marks.reinstated!)).toMatchObject({ accredited: true });
    expect(at(marks.revoked!)).toMatchObject({ accredited: false, reason: 'revoked' });
    expect(at(Date.now())).toMatchObject({ accredited: false, reason: 'revoked' });
    expect(readAccreditation(t.ledger.state, issuerAcc)!.history.map((h) => h.status)).toEqual([
      'active',
      'suspended',
      'active',
      'revoked',
    ]);
  });

  it('cuts the chain when the authority is suspended, and a blocklisted DID holds no role', async () => {
    const second = await newDid();
    await commit(
      by(authority, 'trust.accredit', {
        nonce: nonce(),
        subject: second.did,
        role: 'credentialIssuer',
        scope: { credentialTypes: ['TranscriptCredential'] },
        validUntil: Date.now() + YEAR,
      }),
    );
    const q = {
      subject: second.did,
      role: 'credentialIssuer' as const,
      credentialType: 'TranscriptCredential',
    };
    expect(check(q).accredited).toBe(true);
    const suspended = await commit(
      gov('trust.setStatus', {
        accreditation: authorityAcc,
        previousVersion: 1,
        status: 'suspended',
      }),
    );
    expect(check(q)).toMatchObject({ accredited: false, reason: 'grantor suspended' });
    expect(check({ ...q, at: suspended.time - 1 }).accredited).toBe(true);
    await commit(
      gov('trust.setStatus', { accreditation: authorityAcc, previousVersion: 2, status: 'active' }),
    );
    expect(check(q).accredited).toBe(true);

    await rejected(
      by(authority, 'trust.blocklist', { nonce: nonce(), did: second.did, listed: true }),
      'unknownKey',
    );
    await rejected(
      gov('trust.blocklist', { nonce: nonce(), did: second.did, listed: true }, [1]),
      'unauthorized',
    );
    const listed = await commit(
      gov('trust.blocklist', {
        nonce: nonce(),
        did: second.did,
        listed: true,
        reason: 'case 2026-17',
      }),
    );
    expect(check(q)).toMatchObject({ accredited: false, reason: 'blocklisted' });
    expect(check({ ...q, at: listed.time - 1 }).accredited).toBe(true);
    await rejected(
      gov('trust.blocklist', { nonce: nonce(), did: second.did, listed: true }),
      'conflict',
    );
    await rejected(
      gov('trust.blocklist', { nonce: nonce(), did: reg.did, listed: true }),
      'malformed',
    );
  });
});

describe('governance keys', () => {
  it('changes the threshold only with the current threshold, and then requires the new one', async () => {
    const config = readGovernance(t.ledger.state);
    const next = { previousVersion: config.version, threshold: 3, keys: config.keys };
    await rejected(gov('gov.setGovernance', next, [0]), 'unauthorized');
    await rejected(gov('gov.setGovernance', { ...next, threshold: 4 }), 'malformed');
    await commit(gov('gov.setGovernance', next, [1, 2]));
    expect(readGovernance(t.ledger.state).threshold).toBe(3);
    const someone = await newDid();
    const accredit = {
      nonce: nonce(),
      subject: someone.did,
      role: 'applicationServiceProvider',
      validUntil: Date.now() + YEAR,
    };
    await rejected(gov('trust.accredit', accredit, [0, 1]), 'unauthorized');
    await commit(gov('trust.accredit', accredit, [0, 1, 2]));
    await rejected(gov('gov.setGovernance', { ...next, threshold: 1 }, [0, 1, 2]), 'staleVersion');
    await commit(
      gov(
        'gov.setGovernance',
        { previousVersion: config.version + 1, threshold: 2, keys: config.keys },
        [0, 1, 2],
      ),
    );
    expect(readGovernance(t.ledger.state).threshold).toBe(2);
  });

  it('refuses a duplicated governance signature and a forged one', async () => {
    const someone = await newDid();
    const payload = {
      nonce: nonce(),
      subject: someone.did,
      role: 'operator',
      validUntil: Date.now() + YEAR,
    };
    await rejected(gov('trust.accredit', payload, [0, 0]), 'malformed');
    const forged = gov('trust.accredit', payload, [0, 1]);
    forged.proofs[1] = { kid: forged.proofs[1]!.kid, sig: forged.proofs[0]!.sig };
    await rejected(forged, 'badSignature');
  });
});

describe('DID updates by someone else', () => {
  it('refuses an update by a non-controller even when it changes nothing', async () => {
    const owner = await newDid();
    const stranger = await newDid();
    const same = signTransaction(
      {
        chainId: t.chainId,
        type: 'did.update',
        payload: { did: owner.did, previousVersionId: '1', document: contentFor(owner.signing) },
      },
      [
        {
          kid: `${stranger.did}#key-1`,
          type: stranger.signing.type,
          privateKey: stranger.signing.privateKey,
        },
      ],
    );
    await rejected(same, 'unauthorized');
  });
});
