import { randomBytes } from 'node:crypto';
import { randomNonce } from '../../sdk/lib/registry-transaction.ts';
import { Command, Option } from 'commander';
import { parseDdiDid } from '../../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { publicKeyFromMultibase } from '../../../core/keys/index.ts';
import type { AccreditationStatus, Role } from '../../../ledger/registries/trust-registry.ts';
import { ROLES } from '../../../ledger/registries/trust-registry.ts';
import { transactionId } from '../../../ledger/transaction.ts';
import { governanceKeyIdsOf, signGovernanceTransaction } from '../../sdk/index.ts';
import { collect, withContext } from '../command-kit.ts';
import type { CliContext } from '../context.ts';
import type { GovernanceSigningOptions } from '../governance-keys.ts';
import {
  blockNote,
  heldGovernanceKeys,
  keystoreGovernanceSigners,
  printGovernanceOutcome,
  printSignatureProgress,
  readTransactionFile,
  signWithGovernanceKeys,
  withGovernanceSigningOptions,
  writeTransactionFile,
} from '../governance-keys.ts';
import { parseTimeOrDuration } from '../time-input.ts';
import { UsageError } from '../usage-error.ts';

interface AccreditOptions extends GovernanceSigningOptions {
  role: Role;
  type: string[];
  template: string[];
  validUntil: string;
  validFrom?: string;
  nodeKey?: string;
  nonce?: string;
}

/** `ddi gov …`: the regulator's acts, signed with M of its N governance keys. */
export function govCommand(): Command {
  const gov = new Command('gov').description(
    "the regulator's governance: accredit, suspend, blocklist, change the threshold (M-of-N keys)",
  );

  gov
    .command('show')
    .description('the governance configuration, and which governance keys the keystore holds')
    .action(
      withContext(async (ctx) => {
        const config = await ctx.client().getGovernance();
        const held = heldGovernanceKeys(await ctx.keystore(false), config);
        ctx.print({ ...config, held }, () => [
          `regulator ${config.regulator}`,
          `threshold ${config.threshold} of ${config.keys.length} (configuration version ${config.version})`,
          ...config.keys.map((k) => {
            const name = held.find((h) => h.id === k.id)?.name;
            return `  ${k.id}\t${k.publicKeyMultibase}${name ? `\tin keystore as ${name}` : ''}`;
          }),
        ]);
      }),
    );

  withGovernanceSigningOptions(
    gov
      .command('accredit')
      .description('accredit a DID in a role (any role, any scope)')
      .argument('<did>', 'the DID accredited')
      .addOption(new Option('--role <role>', 'the role').choices(ROLES).makeOptionMandatory())
      .option('--type <credentialType>', 'a credential type in scope (repeatable)', collect, [])
      .option('--template <id>', 'a template id in scope (repeatable)', collect, [])
      .requiredOption('--valid-until <time>', 'end of validity: ISO 8601, or a duration (365d)')
      .option('--valid-from <time>', 'start of validity (default: when it is committed)')
      .option('--node-key <multikey>', "an operator's node key")
      .option('--nonce <nonce>', 'make a grant with the same terms distinct (default: random)'),
  ).action(
    withContext(async (ctx, did: string, options: AccreditOptions) => {
      const subject = didArgument(did);
      const parameters = accreditParameters(subject, options);
      const outcome = await signWithGovernanceKeys(ctx, options, (signer) =>
        ctx.client().prepareAccredit({ ...parameters, signer }),
      );
      printGovernanceOutcome(ctx, outcome, options.out, (result) => ({
        value: { accreditation: result.txId, subject, role: options.role },
        human: result.txId,
      }));
      if (outcome.submitted) {
        ctx.note(`accredited ${subject} as ${options.role} (${blockNote(outcome.result)})`);
      }
    }),
  );

  withGovernanceSigningOptions(
    gov
      .command('order-disclosure')
      .description(
        'order the agency that verified a DID to identify its holder to one recipient (supervised disclosure)',
      )
      .argument('<did>', 'the DID whose holder is to be identified')
      .requiredOption('--recipient <did>', 'the one DID the agency answers (a court, the police)')
      .requiredOption('--legal-basis <text>', 'the law the order rests on (no personal data)')
      .requiredOption('--case <reference>', 'the case reference (no personal data)')
      .option('--valid-until <time>', 'until when the agency may act on it (≤ 90 days)', '30d')
      .option('--order-id <id>', 'the order id (default: random)'),
  ).action(
    withContext(
      async (
        ctx,
        did: string,
        options: GovernanceSigningOptions & {
          recipient: string;
          legalBasis: string;
          case: string;
          validUntil: string;
          orderId?: string;
        },
      ) => {
        const subject = didArgument(did);
        const orderId = options.orderId ?? randomNonce();
        const parameters = {
          orderId,
          subject,
          recipient: didArgument(options.recipient),
          legalBasis: options.legalBasis,
          caseReference: options.case,
          validUntil: new Date(parseTimeOrDuration(options.validUntil, '--valid-until')),
        };
        const outcome = await signWithGovernanceKeys(ctx, options, (signer) =>
          ctx.client().prepareOrderDisclosure({ ...parameters, signer }),
        );
        printGovernanceOutcome(ctx, outcome, options.out, () => ({
          value: { orderId, subject, recipient: parameters.recipient },
          human: orderId,
        }));
        if (outcome.submitted) {
          ctx.note(`ordered disclosure ${orderId} of ${subject} (${blockNote(outcome.result)})`);
        }
      },
    ),
  );

  for (const [verb, status, what] of [
    ['suspend', 'suspended', 'suspend an accreditation (reinstate may follow)'],
    ['reinstate', 'active', 'reinstate a suspended accreditation'],
    ['revoke', 'revoked', 'revoke an accreditation for good'],
  ] as const) {
    withGovernanceSigningOptions(
      gov
        .command(verb)
        .description(what)
        .argument('<accreditation>', 'the accreditation id')
        .option('--reason <code>', 'a short reason code (never personal data)'),
    ).action(
      withContext(
        async (ctx, id: string, options: GovernanceSigningOptions & { reason?: string }) => {
          await setStatusWithGovernance(ctx, id, status, options);
        },
      ),
    );
  }

  for (const [verb, listed] of [
    ['blocklist', true],
    ['unblocklist', false],
  ] as const) {
    withGovernanceSigningOptions(
      gov
        .command(verb)
        .description(
          listed
            ? 'list a DID: it holds no role, nothing it granted counts'
            : 'take a DID off the blocklist',
        )
        .argument('<did>')
        .option('--reason <code>', 'a short reason code (never personal data)'),
    ).action(
      withContext(
        async (ctx, did: string, options: GovernanceSigningOptions & { reason?: string }) => {
          const target = didArgument(did);
          const outcome = await signWithGovernanceKeys(ctx, options, (signer) =>
            ctx.client().prepareBlocklist({ did: target, listed, reason: options.reason, signer }),
          );
          printGovernanceOutcome(ctx, outcome, options.out, (result) => ({
            value: { did: target, listed },
            human: `${listed ? 'blocklisted' : 'unblocklisted'} ${target} (${blockNote(result)})`,
          }));
        },
      ),
    );
  }

  withGovernanceSigningOptions(
    gov
      .command('set-threshold')
      .description('change M, the governance signatures each governance transaction needs')
      .argument('<m>', 'the new threshold'),
  ).action(
    withContext(async (ctx, m: string, options: GovernanceSigningOptions) => {
      if (!/^[0-9]{1,2}$/.test(m) || Number(m) < 1) {
        throw new UsageError(`the threshold is a positive integer, got "${m}"`);
      }
      const threshold = Number(m);
      const outcome = await signWithGovernanceKeys(ctx, options, (signer) =>
        ctx.client().prepareSetGovernance({ threshold, signer }),
      );
      printGovernanceOutcome(ctx, outcome, options.out, (result) => ({
        value: { threshold },
        human: `governance threshold is now ${threshold} (${blockNote(result)})`,
      }));
    }),
  );

  withGovernanceSigningOptions(
    gov
      .command('admit-operator')
      .description(
        "add a node key to the operator set: it signs, and counts towards the quorum, from the block after this one's",
      )
      .argument('<node-key>', "the operator's node key (Multikey z…, from `ddi node key`)")
      .requiredOption('--name <name>', 'a name for the operator (1-64 letters, digits, " ._-")'),
  ).action(
    withContext(
      async (ctx, nodeKey: string, options: GovernanceSigningOptions & { name: string }) => {
        const key = nodeKeyArgument(nodeKey);
        if (!/^[A-Za-z0-9 ._-]{1,64}$/.test(options.name)) {
          throw new UsageError('--name is 1-64 letters, digits, spaces, ".", "_" or "-"');
        }
        await operatorSetChange(ctx, options, 'gov.admitOperator', {
          name: options.name,
          nodeKey: key,
        });
      },
    ),
  );

  withGovernanceSigningOptions(
    gov
      .command('remove-operator')
      .description(
        "take a node key out of the operator set, from the block after this one's (the quorum shrinks with it)",
      )
      .argument('<node-key>', "the operator's node key (Multikey z…)")
      .option('--reason <code>', 'a short reason code (never personal data)'),
  ).action(
    withContext(
      async (ctx, nodeKey: string, options: GovernanceSigningOptions & { reason?: string }) => {
        await operatorSetChange(ctx, options, 'gov.removeOperator', {
          nodeKey: nodeKeyArgument(nodeKey),
          ...(options.reason === undefined ? {} : { reason: options.reason }),
        });
      },
    ),
  );

  gov
    .command('sign')
    .description('add governance signatures to a transaction another key holder signed')
    .argument('<file>', 'the transaction (from --sign-only)')
    .option('--signers <names>', 'governance keys to sign with (default: held ones still needed)')
    .option('--out <file>', 'write the result here (default: back to <file>)')
    .action(
      withContext(async (ctx, file: string, options: { signers?: string; out?: string }) => {
        const tx = readTransactionFile(file);
        const config = await ctx.client().getGovernance();
        if (tx.body.chainId !== (await ctx.client().getChainId())) {
          throw new DdiError(ErrorCode.WrongChain, `${file} is for chain ${tx.body.chainId}`);
        }
        const already = governanceKeyIdsOf(tx, config.regulator);
        const signers = keystoreGovernanceSigners(await ctx.keystore(false), config, {
          names: options.signers,
          alreadySigned: already,
        });
        const signed = signGovernanceTransaction(tx, signers);
        const out = options.out ?? file;
        writeTransactionFile(out, signed);
        printSignatureProgress(
          ctx,
          {
            transaction: signed,
            txId: transactionId(signed.body),
            signedBy: governanceKeyIdsOf(signed, config.regulator),
            threshold: config.threshold,
          },
          out,
        );
      }),
    );

  gov
    .command('submit')
    .description('submit a transaction whose governance signatures were collected')
    .argument('<file>', 'the signed transaction')
    .action(
      withContext(async (ctx, file: string) => {
        const transaction = readTransactionFile(file);
        const result = await ctx.client().submitTransaction({ transaction });
        const accreditation = transaction.body.type === 'trust.accredit' ? result.txId : undefined;
        ctx.print(
          {
            txId: result.txId,
            type: transaction.body.type,
            status: result.status,
            ...(accreditation ? { accreditation } : {}),
          },
          () => accreditation ?? `${transaction.body.type} committed (${blockNote(result)})`,
        );
      }),
    );
  return gov;
}

/** The SDK parameters of an accreditation from CLI options (shared with `ddi trust accredit`). */
export function accreditParameters(
  subject: string,
  options: {
    role: Role;
    type: string[];
    template: string[];
    validUntil: string;
    validFrom?: string;
    nodeKey?: string;
    nonce?: string;
  },
) {
  const scope = {
    ...(options.type.length ? { credentialTypes: options.type } : {}),
    ...(options.template.length ? { templates: options.template } : {}),
  };
  return {
    subject,
    role: options.role,
    scope,
    validUntil: parseTimeOrDuration(options.validUntil, '--valid-until'),
    ...(options.validFrom === undefined
      ? {}
      : { validFrom: parseTimeOrDuration(options.validFrom, '--valid-from') }),
    ...(options.nodeKey === undefined ? {} : { nodeKey: options.nodeKey }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
  };
}

async function setStatusWithGovernance(
  ctx: CliContext,
  id: string,
  status: AccreditationStatus,
  options: GovernanceSigningOptions & { reason?: string },
): Promise<void> {
  const outcome = await signWithGovernanceKeys(ctx, options, (signer) =>
    ctx.client().prepareSetAccreditationStatus({
      accreditation: id,
      status,
      reason: options.reason,
      signer,
    }),
  );
  printGovernanceOutcome(ctx, outcome, options.out, (result) => ({
    value: { accreditation: id, accreditationStatus: status },
    human: `accreditation ${id.slice(0, 12)}… is now ${status} (${blockNote(result)})`,
  }));
}

/** gov.admitOperator / gov.removeOperator, signed with governance keys (or --sign-only). */
async function operatorSetChange(
  ctx: CliContext,
  options: GovernanceSigningOptions,
  type: 'gov.admitOperator' | 'gov.removeOperator',
  fields: { nodeKey: string; name?: string; reason?: string },
): Promise<void> {
  const chainId = await ctx.client().getChainId();
  // A nonce keeps a later change with the same terms (admit, remove, admit again) distinct.
  const payload = { nonce: randomBytes(12).toString('base64url'), ...fields };
  const outcome = await signWithGovernanceKeys(ctx, options, async (signer) =>
    signGovernanceTransaction({ body: { chainId, type, payload }, proofs: [] }, signer),
  );
  const admitted = type === 'gov.admitOperator';
  printGovernanceOutcome(ctx, outcome, options.out, (result) => {
    const height = result.status.status === 'committed' ? result.status.height : undefined;
    return {
      value: {
        nodeKey: fields.nodeKey,
        change: admitted ? 'admitted' : 'removed',
        ...(height ? { fromHeight: height + 1 } : {}),
      },
      human:
        `${admitted ? 'admitted' : 'removed'} operator ${fields.nodeKey} (${blockNote(result)}` +
        `${height ? `; effective from height ${height + 1}` : ''})`,
    };
  });
}

/** Checks a node key argument early: a Multikey public key. */
function nodeKeyArgument(value: string): string {
  try {
    publicKeyFromMultibase(value);
    return value;
  } catch {
    throw new UsageError(`not a Multikey public key (z…): ${value}`);
  }
}

/** Checks a DID argument early, so a typo is a usage error rather than a round trip. */
export function didArgument(value: string): string {
  try {
    return parseDdiDid(value);
  } catch {
    throw new UsageError(`not a did:ddi DID: ${value}`);
  }
}
