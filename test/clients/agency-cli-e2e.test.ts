import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { residentIdentityCheckCharacter } from '../../src/core/identity/resident-identity-number.ts';
import { usccCheckCharacter } from '../../src/core/org/unified-social-credit-code.ts';
import { PERSON_CERTIFICATE_TYPE } from '../../src/services/agency/index.ts';
import {
  freePort,
  runDdi,
  startNodeProcess,
  startServiceProcess,
  stopGracefully,
} from '../helpers/node-process.ts';
import type { CliRun, NodeProcess, ServiceProcess } from '../helpers/node-process.ts';
import { tempDir } from '../helpers/temp-node.ts';

// Issue 6's "done when" with nothing but `ddi` processes: a node, two agencies accredited by
// the development regulator and started with `ddi agency start` (sharing a network key), a
// person registering and proving age_over_18 from the CLI wallet, a second DID refused at both
// agencies, an organization with its legal representative, and a regulator's disclosure order
// fulfilled for its recipient only.

const { dir, cleanup } = tempDir('ddi-agency-cli-');
const keystore = join(dir, 'keystore.json');
const NUMBER = '32010219850615002' + residentIdentityCheckCharacter('32010219850615002');
const NAME = '刘雨桐';
const REP_NUMBER = '31011519700101001' + residentIdentityCheckCharacter('31011519700101001');
const REP_NAME = '周建华';
const USCC = '91310115MA1H00002' + usccCheckCharacter('91310115MA1H00002');

let node: NodeProcess;
const agencies: ServiceProcess[] = [];
const agencyDids: string[] = [];
let networkKey = '';
const dids: Record<string, string> = {};

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: dir,
    DDI_NODE: node.url,
    DDI_KEYSTORE: keystore,
    DDI_PASSPHRASE: 'agency walkthrough',
    DDI_AGENCY_NETWORK_KEY: networkKey,
    DDI_AGENCY_TOKEN: 'agency-operator',
    ...(process.env.DDI_OPERATOR_PASSPHRASE
      ? { DDI_OPERATOR_PASSPHRASE: process.env.DDI_OPERATOR_PASSPHRASE }
      : {}),
    ...extra,
  };
}

const ddi = (args: string[]): Promise<CliRun> => runDdi(args, env());

async function ok(args: string[]): Promise<string> {
  const run = await ddi(args);
  expect(run.code, `${args.join(' ')}\n${run.stderr}${run.stdout}`).toBe(0);
  return run.stdout.trim();
}

async function okJson<T = Record<string, unknown>>(args: string[]): Promise<T> {
  return JSON.parse(await ok([...args, '--json'])) as T;
}

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

const register = (agency: number, did: string, number: string, name: string, json = true) =>
  ddi([
    'agency',
    'register',
    '--did',
    did,
    '--number',
    number,
    '--name',
    name,
    '--agency-url',
    agencies[agency]!.url,
    ...(json ? ['--json'] : []),
  ]);

beforeAll(async () => {
  node = await startNodeProcess(join(dir, 'node'));
  await ok(['key', 'import-dev-regulator', '--data-dir', join(dir, 'node')]);
  networkKey = (await okJson<{ networkKey: string }>(['agency', 'network-key'])).networkKey;
  for (const name of ['person', 'second', 'rep', 'org', 'police', 'bystander']) {
    dids[name] = await ok(['did', 'create', ...(name === 'org' ? ['--type', 'sm2'] : [])]);
  }
  writeFileSync(
    join(dir, 'register.json'),
    JSON.stringify([
      { documentType: 'residentIdentityNumber', number: NUMBER, name: NAME },
      { documentType: 'residentIdentityNumber', number: REP_NUMBER, name: REP_NAME },
      {
        organization: {
          uscc: USCC,
          name: '上海示例信息技术有限公司',
          legalRepresentativeName: REP_NAME,
        },
      },
    ]),
  );
  for (const [i, dataKey] of [
    [0, undefined],
    [1, Buffer.alloc(32, 9).toString('base64url')],
  ] as const) {
    const agency = await ok(['did', 'create', '--type', 'sm2']);
    agencyDids.push(agency);
    await ok([
      'gov',
      'accredit',
      agency,
      '--role',
      'identityVerificationAgency',
      '--valid-until',
      '365d',
    ]);
    await ok([
      'gov',
      'accredit',
      agency,
      '--role',
      'credentialIssuer',
      '--type',
      'RealNameIdentityCertificate',
      '--type',
      'OrganizationRealNameCertificate',
      '--valid-until',
      '365d',
    ]);
    agencies.push(
      await startServiceProcess(
        [
          'agency',
          'start',
          '--agency',
          agency,
          '--data-dir',
          join(dir, `agency-${i}`),
          '--port',
          String(await freePort()),
          '--identity-source',
          `test-register:${join(dir, 'register.json')}`,
        ],
        env(dataKey ? { DDI_AGENCY_DATA_KEY: dataKey } : {}),
      ),
    );
  }
}, 120_000);
afterAll(async () => {
  for (const a of agencies) await stopGracefully(a.child);
  if (node) expect(await stopGracefully(node.child)).toBe(0);
  cleanup();
});

describe('real-name registration through ddi processes', () => {
  it('a person registers, collects the certificate in the CLI wallet and proves age_over_18 without name or number', async () => {
    const run = await register(0, dids.person!, NUMBER, NAME);
    expect(run.code, run.stderr).toBe(0);
    const registered = JSON.parse(run.stdout) as {
      networkId: string;
      offer: { offer_uri: string };
    };
    expect(registered.networkId).toMatch(/^N[A-Z2-7]{26}$/);
    const received = await okJson<{ type: string }>([
      'wallet',
      'receive',
      registered.offer.offer_uri,
      '--holder',
      dids.person!,
      '--format',
      'dc+sd-jwt',
    ]);
    expect(received.type).toBe(PERSON_CERTIFICATE_TYPE);

    const request = await post('/v1/verifier/requests', {
      dcql_query: {
        credentials: [
          {
            id: 'realname',
            format: 'dc+sd-jwt',
            meta: { vct_values: [PERSON_CERTIFICATE_TYPE] },
            claims: [{ path: ['age_over_18'] }, { path: ['real_name_verified'] }],
          },
        ],
      },
    });
    const { vp_token } = await okJson<{ vp_token: Record<string, string[]> }>([
      'wallet',
      'present',
      '--request',
      JSON.stringify(request),
    ]);
    const verdict = (await post('/v1/verifier/presentations', {
      nonce: request.nonce,
      format: 'dc+sd-jwt',
      presentation: vp_token.realname![0],
    })) as {
      verified: boolean;
      reasons: string[];
      issuer: string;
      claims: Record<string, unknown>;
    };
    expect(verdict.reasons).toEqual([]);
    expect(verdict).toMatchObject({ verified: true, issuer: agencyDids[0] });
    expect(verdict.claims).toMatchObject({ age_over_18: true, real_name_verified: true });
    expect(JSON.stringify(verdict)).not.toContain(NAME);
    expect(JSON.stringify(verdict)).not.toContain(NUMBER);
  });

  it('refuses the same identity number under a second DID, at the same agency and at the other one', async () => {
    for (const agency of [0, 1]) {
      const run = await register(agency, dids.second!, NUMBER, NAME, false);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error \[conflict\].*already has an active primary DID/);
    }
  });

  it("registers an organization at one agency on its legal representative's certificate from another", async () => {
    const rep = await register(1, dids.rep!, REP_NUMBER, REP_NAME);
    expect(rep.code, rep.stderr).toBe(0);
    const repOffer = (JSON.parse(rep.stdout) as { offer: { offer_uri: string } }).offer.offer_uri;
    await ok(['wallet', 'receive', repOffer, '--holder', dids.rep!, '--format', 'dc+sd-jwt']);
    const org = await okJson<{ uscc: string; offer: { offer_uri: string } }>([
      'agency',
      'register-org',
      '--did',
      dids.org!,
      '--uscc',
      USCC,
      '--org-name',
      '上海示例信息技术有限公司',
      '--representative',
      dids.rep!,
      '--agency-url',
      agencies[0]!.url,
    ]);
    expect(org.uscc).toBe(USCC);
    expect(await okJson(['org', 'get', USCC])).toMatchObject({ primaryDid: dids.org });
    const cert = await okJson<{ type: string }>([
      'wallet',
      'receive',
      org.offer.offer_uri,
      '--holder',
      dids.org!,
      '--format',
      'dc+sd-jwt',
    ]);
    expect(cert.type).toBe('OrganizationRealNameCertificate');
  });

  it("fulfils a regulator's disclosure order for its recipient only, on the ledger and in the audit log", async () => {
    const denied = await ddi([
      'agency',
      'disclose',
      '--order',
      'NoOrderHere1',
      '--did',
      dids.police!,
      '--agency-url',
      agencies[0]!.url,
    ]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^error \[forbidden\]/);

    const { orderId } = await okJson<{ orderId: string }>([
      'gov',
      'order-disclosure',
      dids.person!,
      '--recipient',
      dids.police!,
      '--legal-basis',
      '《中华人民共和国反电信网络诈骗法》第三十一条',
      '--case',
      '沪公(经)立字[2026]88号',
    ]);
    const bystander = await ddi([
      'agency',
      'disclose',
      '--order',
      orderId,
      '--did',
      dids.bystander!,
      '--agency-url',
      agencies[0]!.url,
    ]);
    expect(bystander.stderr).toMatch(/^error \[forbidden\].*recipient/);
    const answer = await okJson<{
      response: { identity: { name: string; number: string } };
      responseHash: string;
    }>([
      'agency',
      'disclose',
      '--order',
      orderId,
      '--did',
      dids.police!,
      '--agency-url',
      agencies[0]!.url,
    ]);
    expect(answer.response.identity).toMatchObject({ name: NAME, number: NUMBER });
    const order = (await (await fetch(`${node.url}/v1/disclosure-orders/${orderId}`)).json()) as {
      fulfilment: { responseHash: string };
    };
    expect(order.fulfilment.responseHash).toBe(answer.responseHash);

    const audit = await okJson<{
      ok: boolean;
      anchored?: number;
      log: Array<{ action: string; outcome: string; actor: string }>;
    }>(['agency', 'audit', '--data-dir', join(dir, 'agency-0'), '--agency', agencyDids[0]!]);
    expect(audit.ok).toBe(true);
    // Checked against the anchor the agency put on the ledger with the disclosure.
    expect(audit.anchored).toBeGreaterThan(0);
    const disclosures = audit.log.filter((e) => e.action === 'disclose');
    expect(disclosures.filter((e) => e.outcome === 'allowed')).toHaveLength(1);
    expect(disclosures.filter((e) => e.outcome === 'refused').map((e) => e.actor)).toEqual(
      expect.arrayContaining([dids.police, dids.bystander]),
    );
  });
});
