import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { base64urlDecode } from '../../../core/encoding/base64url.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { DOCUMENT_TYPES } from '../../../core/identity/identity-document.ts';
import { NETWORK_KEY_BYTES } from '../../../core/identity/identity-commitment.ts';
import { ORGANIZATION_KINDS } from '../../../core/org/organization-kind.ts';
import {
  AGENCY_ACCESS_LOG_ID,
  PERSON_CERTIFICATE_TYPE,
  realNameVerificationContext,
  agencyTemplateIds,
  AgencyStore,
  DataCipher,
  DATA_KEY_BYTES,
  documentFormatSource,
  REVOCATION_REASONS,
  startAgency,
  TestIdentityRegister,
} from '../../../services/agency/index.ts';
import type { IdentitySource } from '../../../services/agency/index.ts';
import { signDidAuthProof } from '../../../services/did-auth/did-auth-proof.ts';
import {
  openEncryptedText,
  readIfExists,
  writeEncryptedFile,
} from '../../keystore/encrypted-file.ts';
import { readPassphrase } from '../../keystore/passphrase.ts';
import { agencyLedgerWriter } from '../../sdk/utils/agency-ledger-writer.ts';
import { httpTransport } from '../../sdk/transports/http.ts';
import type { DidSigner } from '../../sdk/index.ts';
import { withContext } from '../command-kit.ts';
import type { CliContext } from '../context.ts';
import { authenticationSigner, ownDidSigner } from '../did-keys.ts';
import { issuerSigningKey } from './issuer.ts';
import { openWallet, keystoreSigner } from './wallet.ts';
import { presentCredentials } from '../../wallet/index.ts';
import { didArgument } from './gov.ts';

export const DEFAULT_AGENCY_URL = 'http://127.0.0.1:7091';
const DATA_KEY_FILE = 'data-key.json';

/** A 32-byte key from an environment variable (base64url). */
function keyFromEnv(ctx: CliContext, name: string, bytes: number): Uint8Array | undefined {
  const text = ctx.env[name];
  if (!text) return undefined;
  const key = base64urlDecode(text.trim());
  if (key.length !== bytes) {
    throw new DdiError(ErrorCode.Malformed, `${name} must be ${bytes} bytes, base64url`);
  }
  return key;
}

/**
 * The key sealing personal data at rest: DDI_AGENCY_DATA_KEY, else one generated on first
 * start and kept in the data directory sealed with the keystore passphrase.
 */
async function dataKey(ctx: CliContext, dataDir: string): Promise<Uint8Array> {
  const fromEnv = keyFromEnv(ctx, 'DDI_AGENCY_DATA_KEY', DATA_KEY_BYTES);
  if (fromEnv) return fromEnv;
  const file = join(dataDir, DATA_KEY_FILE);
  const passphrase = await readPassphrase({ env: ctx.env });
  const existing = readIfExists(file);
  if (existing !== undefined) {
    return base64urlDecode(openEncryptedText(file, existing, passphrase, 'agency data key'));
  }
  const key = randomBytes(DATA_KEY_BYTES);
  writeEncryptedFile(file, key.toString('base64url'), passphrase, undefined);
  ctx.note(`generated the personal-data key, sealed with the keystore passphrase in ${file}`);
  return key;
}

function identitySource(spec: string): IdentitySource {
  if (spec === 'formats') return documentFormatSource;
  if (spec.startsWith('test-register:')) {
    return TestIdentityRegister.fromFile(spec.slice('test-register:'.length));
  }
  throw new DdiError(
    ErrorCode.Malformed,
    '--identity-source is `formats` or `test-register:<file.json>` (a test double)',
  );
}

function agencyUrl(ctx: CliContext, option: string | undefined): string {
  return (option || ctx.env.DDI_AGENCY_URL || DEFAULT_AGENCY_URL).replace(/\/$/, '');
}

async function post(url: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new DdiError(ErrorCode.Unavailable, `cannot reach ${url}: ${(err as Error).message}`);
  }
  const reply = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const code = typeof reply.code === 'string' ? reply.code : 'internal';
    throw new DdiError(
      code as ErrorCode,
      typeof reply.message === 'string' ? reply.message : `${url}: HTTP ${response.status}`,
      reply.details as Record<string, unknown> | undefined,
    );
  }
  return reply;
}

/** A DID authentication proof for the agency: a fresh challenge signed with `signer`. */
async function proof(base: string, signer: DidSigner, claims?: Record<string, unknown>) {
  const challenge = (await post(`${base}/agency/challenges`, {})) as {
    nonce: string;
    audience: string;
  };
  return signDidAuthProof({
    kid: signer.kid,
    signer: { type: signer.keyPair.type, privateKey: signer.keyPair.privateKey },
    audience: challenge.audience,
    nonce: challenge.nonce,
    ...(claims ? { claims } : {}),
  });
}

interface EvidenceOptions {
  documentType: string;
  number: string;
  name: string;
  birthDate?: string;
  gender?: string;
  nationality?: string;
}

function evidenceOf(o: EvidenceOptions): Record<string, string> {
  return {
    documentType: o.documentType,
    number: o.number.trim().toUpperCase(),
    name: o.name,
    ...(o.birthDate ? { birthDate: o.birthDate } : {}),
    ...(o.gender ? { gender: o.gender } : {}),
    ...(o.nationality ? { nationality: o.nationality } : {}),
  };
}

function withEvidenceOptions(command: Command): Command {
  const flag = (name: string) => `--${name}`;
  return command
    .addOption(
      new Option(`${flag('document-type')} <type>`, 'the identity document')
        .choices(DOCUMENT_TYPES)
        .default('residentIdentityNumber'),
    )
    .requiredOption(`${flag('number')} <number>`, 'the document number')
    .requiredOption(`${flag('name')} <name>`, 'the name on the document')
    .option(
      `${flag('birth-date')} <YYYY-MM-DD>`,
      'birth date (documents other than the identity number)',
    )
    .addOption(new Option(`${flag('gender')} <gender>`, 'gender').choices(['male', 'female']))
    .option(`${flag('nationality')} <ISO3>`, 'nationality, ISO 3166-1 alpha-3 (passports)');
}

/** `ddi agency …`: run an identity verification agency, register with one, answer orders. */
export function agencyCommand(): Command {
  const agency = new Command('agency').description(
    'real-name registration: an identity verification agency and its clients',
  );

  agency
    .command('network-key')
    .description(
      'a new network key for the agencies to share (DDI_AGENCY_NETWORK_KEY): keep it secret',
    )
    .action(
      withContext(async (ctx) => {
        const key = randomBytes(NETWORK_KEY_BYTES).toString('base64url');
        ctx.print({ networkKey: key }, () => key);
      }),
    );

  agency
    .command('start')
    .description(
      'serve an accredited identity verification agency (DDI_AGENCY_NETWORK_KEY required)',
    )
    .requiredOption('--agency <did>', "the agency's DID (accredited; its keys in the keystore)")
    .option('--data-dir <dir>', 'its store, status list and sealed data key', '.ddi/agency')
    .option('--port <port>', 'port', '7091')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--public-url <url>', 'its public URL when behind a proxy')
    .option(
      '--identity-source <source>',
      '`formats` (format checks only: assurance low) or `test-register:<file.json>` (a TEST DOUBLE of the real-name register)',
      'formats',
    )
    .action(
      withContext(
        async (
          ctx,
          options: {
            agency: string;
            dataDir: string;
            port: string;
            host: string;
            publicUrl?: string;
            identitySource: string;
          },
        ) => {
          const did = didArgument(options.agency);
          const port = Number(options.port);
          if (!Number.isInteger(port) || port < 0 || port > 65535) {
            throw new DdiError(ErrorCode.Malformed, '--port must be a port number');
          }
          const networkKey = keyFromEnv(ctx, 'DDI_AGENCY_NETWORK_KEY', NETWORK_KEY_BYTES);
          if (!networkKey) {
            throw new DdiError(
              ErrorCode.Malformed,
              'set DDI_AGENCY_NETWORK_KEY to the network key the agencies share (`ddi agency network-key` makes one)',
            );
          }
          const source = identitySource(options.identitySource);
          let token = ctx.env.DDI_AGENCY_TOKEN;
          if (!token) {
            token = randomBytes(24).toString('base64url');
            ctx.note(`operator token (set DDI_AGENCY_TOKEN to choose one): ${token}`);
          }
          const client = ctx.client();
          const store = await ctx.keystore(false);
          const signer = await ownDidSigner(client, store, did);
          const running = await startAgency({
            agencyDid: did,
            signingKey: await issuerSigningKey(ctx, did),
            ledger: client,
            writer: agencyLedgerWriter(httpTransport(ctx.nodeUrl), signer),
            identitySource: source,
            networkKey,
            verification: realNameVerificationContext(client),
            dataKey: await dataKey(ctx, options.dataDir),
            dataDir: options.dataDir,
            createStatusList: () => client.createStatusList({ signer }),
            operatorToken: token,
            host: options.host,
            port,
            ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
          });
          await running.service.ensureTemplates();
          if (source.name.includes('TEST-DOUBLE')) {
            ctx.note(`WARNING: identity source is a ${source.name}; never use it for real people`);
          }
          // One line (a JSON object with --json): a supervisor reads the URL from it.
          ctx.printEvent(
            {
              event: 'started',
              url: running.url,
              agency: did,
              identitySource: source.name,
              templates: agencyTemplateIds(did),
            },
            () =>
              `ddi agency ${did} listening on ${running.url} (node ${ctx.nodeUrl}, identity source: ${source.name}); certificate templates ${Object.values(agencyTemplateIds(did)).join(', ')}`,
          );
          const stop = (): void => {
            void running.close().finally(() => process.exit(0));
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        },
      ),
    );

  withEvidenceOptions(
    agency
      .command('register')
      .description('register your DID with your identity evidence; prints the certificate offer')
      .requiredOption('--did <did>', 'your DID (an authentication key in the keystore)')
      .option('--face-check <token>', "the face check's result token, where the agency takes one")
      .option('--agency-url <url>', `the agency (DDI_AGENCY_URL, default ${DEFAULT_AGENCY_URL})`),
  ).action(
    withContext(
      async (
        ctx,
        options: EvidenceOptions & { did: string; agencyUrl?: string; faceCheck?: string },
      ) => {
        const did = didArgument(options.did);
        const base = agencyUrl(ctx, options.agencyUrl);
        const signer = await authenticationSigner(ctx.client(), await ctx.keystore(false), did);
        const result = await post(`${base}/agency/persons`, {
          proof: await proof(base, signer),
          evidence: evidenceOf(options),
          ...(options.faceCheck ? { faceCheck: options.faceCheck } : {}),
        });
        const offer = result.offer as { offer_uri: string };
        ctx.print(result, () => [
          `${result.renewal ? 'renewed' : 'registered'} ${did}: network id ${String(result.networkId)}, assurance ${String(result.assurance)}`,
          `collect the certificate: ddi wallet receive '${offer.offer_uri}'`,
        ]);
      },
    ),
  );

  agency
    .command('register-org')
    .description(
      "register an organization's DID with its legal representative's real-name certificate (from the wallet)",
    )
    .requiredOption(
      '--did <did>',
      "the organization's DID (its authentication key in the keystore)",
    )
    .requiredOption('--uscc <code>', 'unified social credit code')
    .requiredOption('--org-name <name>', "the organization's registered name")
    .addOption(
      new Option('--kind <kind>', 'default: what the code says').choices(ORGANIZATION_KINDS),
    )
    .requiredOption(
      '--representative <did>',
      "the legal representative's real-name registered DID (its key and certificate here)",
    )
    .option('--agency-url <url>', `the agency (DDI_AGENCY_URL, default ${DEFAULT_AGENCY_URL})`)
    .action(
      withContext(
        async (
          ctx,
          options: {
            did: string;
            uscc: string;
            orgName: string;
            kind?: string;
            representative: string;
            agencyUrl?: string;
          },
        ) => {
          const did = didArgument(options.did);
          const rep = didArgument(options.representative);
          const base = agencyUrl(ctx, options.agencyUrl);
          const keys = await ctx.keystore(false);
          const orgSigner = await authenticationSigner(ctx.client(), keys, did);
          const repSigner = await authenticationSigner(ctx.client(), keys, rep);
          // The representative shows their certificate to this agency: network_id and name only.
          const challenge = (await post(`${base}/agency/challenges`, {})) as {
            nonce: string;
            audience: string;
          };
          const wallet = await openWallet(ctx);
          const certificates = wallet
            .credentials()
            .filter((c) => c.format === 'dc+sd-jwt' && c.holderKid.startsWith(`${rep}#`));
          const { vp_token } = presentCredentials(
            {
              nonce: challenge.nonce,
              client_id: challenge.audience,
              dcql_query: {
                credentials: [
                  {
                    id: 'realname',
                    format: 'dc+sd-jwt',
                    meta: { vct_values: [PERSON_CERTIFICATE_TYPE] },
                    claims: [{ path: ['network_id'] }, { path: ['name'] }],
                  },
                ],
              },
            },
            certificates,
            keystoreSigner(keys),
          );
          const result = await post(`${base}/agency/organizations`, {
            proof: await proof(base, orgSigner),
            uscc: options.uscc.trim().toUpperCase(),
            name: options.orgName,
            ...(options.kind ? { kind: options.kind } : {}),
            legalRepresentative: {
              proof: await proof(base, repSigner, {
                uscc: options.uscc.trim().toUpperCase(),
                organization: did,
              }),
              presentation: vp_token.realname![0],
              nonce: challenge.nonce,
            },
          });
          const offer = result.offer as { offer_uri: string };
          ctx.print(result, () => [
            `${result.renewal ? 'renewed' : 'registered'} ${String(result.uscc)} as ${did}`,
            `collect the certificate: ddi wallet receive --holder ${did} '${offer.offer_uri}'`,
          ]);
        },
      ),
    );

  agency
    .command('disclose')
    .description(
      "as the recipient of a regulator's disclosure order: ask the agency for the identity",
    )
    .requiredOption('--order <id>', 'the order id on the ledger')
    .requiredOption('--did <did>', 'your DID, the recipient the order names')
    .option('--agency-url <url>', `the agency (DDI_AGENCY_URL, default ${DEFAULT_AGENCY_URL})`)
    .action(
      withContext(async (ctx, options: { order: string; did: string; agencyUrl?: string }) => {
        const did = didArgument(options.did);
        const base = agencyUrl(ctx, options.agencyUrl);
        const signer = await authenticationSigner(ctx.client(), await ctx.keystore(false), did);
        const result = await post(`${base}/agency/disclosures`, {
          orderId: options.order,
          proof: await proof(base, signer, { orderId: options.order }),
        });
        ctx.print(result, () => JSON.stringify(result, null, 2));
      }),
    );

  agency
    .command('revoke')
    .description(
      "revoke a person's (network id) or organization's (USCC) certificates (DDI_AGENCY_TOKEN)",
    )
    .requiredOption('--subject <id>', 'network id or unified social credit code')
    .addOption(
      new Option('--reason <reason>', 'why').choices(REVOCATION_REASONS).makeOptionMandatory(),
    )
    .option('--agency-url <url>', `the agency (DDI_AGENCY_URL, default ${DEFAULT_AGENCY_URL})`)
    .action(
      withContext(async (ctx, options: { subject: string; reason: string; agencyUrl?: string }) => {
        const token = ctx.env.DDI_AGENCY_TOKEN;
        if (!token)
          throw new DdiError(ErrorCode.Unauthorized, 'set DDI_AGENCY_TOKEN (the operator token)');
        const base = agencyUrl(ctx, options.agencyUrl);
        const result = await post(
          `${base}/agency/revocations`,
          { subject: options.subject, reason: options.reason },
          token,
        );
        ctx.print(
          result,
          () => `revoked ${String(result.revoked)} certificate(s) of ${options.subject}`,
        );
      }),
    );

  agency
    .command('audit')
    .description("check the agency's hash-chained access log (run where its data directory is)")
    .option('--data-dir <dir>', 'the agency data directory', '.ddi/agency')
    .option('--agency <did>', "also check the log against the agency's latest anchor on the ledger")
    .action(
      withContext(async (ctx, options: { dataDir: string; agency?: string }) => {
        const file = join(options.dataDir, 'agency.sqlite');
        if (!existsSync(file)) throw new DdiError(ErrorCode.NotFound, `no agency store at ${file}`);
        // The log needs no data key: it holds no personal data. A throwaway key opens the store.
        const store = AgencyStore.open(options.dataDir, new DataCipher(randomBytes(32)));
        try {
          let check = store.verifyAccessLog();
          const entries = store.accessLog();
          let anchored: number | undefined;
          if (options.agency && check.ok) {
            // The ledger fixes what the log said: a log cut short or rewritten contradicts it.
            const anchor = await ctx
              .client()
              .getAuditAnchor(didArgument(options.agency), AGENCY_ACCESS_LOG_ID);
            const entry = entries.find((e) => e.seq === anchor.sequence);
            if (!entry || entry.hash !== anchor.head)
              check = { ok: false, brokenAt: anchor.sequence };
            else anchored = anchor.sequence;
          }
          ctx.print({ ...check, entries: entries.length, anchored, log: entries }, () => [
            check.ok
              ? `access log intact: ${entries.length} entries, head ${entries.at(-1)?.hash ?? '-'}${anchored ? `, anchored on the ledger through ${anchored}` : ''}`
              : `access log BROKEN at entry ${check.brokenAt}`,
            ...entries.map(
              (e) =>
                `${e.seq}\t${new Date(e.at).toISOString()}\t${e.outcome}\t${e.action}\t${e.actor}\t${e.subject}${e.reason ? `\t${e.reason}` : ''}`,
            ),
          ]);
          if (!check.ok) process.exitCode = 1;
        } finally {
          store.close();
        }
      }),
    );

  return agency;
}
