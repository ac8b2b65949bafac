import { readFileSync, writeFileSync } from 'node:fs';
import { Option } from 'commander';
import type { Command } from 'commander';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { GovernanceConfig } from '../../ledger/registries/governance-registry.ts';
import type { Transaction } from '../../ledger/transaction.ts';
import { decodeTransaction } from '../../ledger/transaction.ts';
import type { Keystore } from '../keystore/keystore.ts';
import type { GovernanceSigners, TransactionResult } from '../sdk/index.ts';
import { governanceKeyIdsOf, governanceSigners } from '../sdk/index.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './usage-error.ts';

/** Options of every command signed with the regulator's governance keys. */
export interface GovernanceSigningOptions {
  signers?: string;
  signOnly?: boolean;
  out?: string;
}

/** Adds --signers, --sign-only and --out to a command signed with governance keys. */
export function withGovernanceSigningOptions(command: Command): Command {
  return command
    .option(
      '--signers <names>',
      'governance keys in the keystore to sign with, comma-separated (default: those it holds, up to the threshold)',
    )
    .option('--sign-only', 'sign but do not submit: write the transaction for other key holders')
    .addOption(
      new Option('--out <file>', 'with --sign-only: write the transaction here (default: stdout)'),
    );
}

/** The governance keys the keystore holds, by key id (gov-1 …), with their stored names. */
export function heldGovernanceKeys(
  store: Keystore,
  config: GovernanceConfig,
): Array<{ id: string; name: string }> {
  const held: Array<{ id: string; name: string }> = [];
  for (const key of config.keys) {
    // Matched by public key, not by name: names are local, keys are what the ledger knows.
    const stored = store.keys().find((k) => k.publicKeyMultibase === key.publicKeyMultibase);
    if (stored) held.push({ id: key.id, name: stored.name });
  }
  return held;
}

/**
 * Governance signers from the keystore: the keys named in `--signers`, or else every held
 * governance key that has not signed yet, up to what the threshold still needs.
 */
export function keystoreGovernanceSigners(
  store: Keystore,
  config: GovernanceConfig,
  options: { names?: string; alreadySigned?: string[] },
): GovernanceSigners {
  const already = new Set(options.alreadySigned ?? []);
  let chosen: Array<{ id: string; name: string }>;
  if (options.names !== undefined) {
    const names = options.names
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    if (names.length === 0) throw new UsageError('--signers needs at least one key name');
    chosen = names.map((name) => {
      const stored = store.key(name);
      if (!stored) throw new DdiError(ErrorCode.NotFound, `no key named "${name}" in the keystore`);
      const key = config.keys.find((k) => k.publicKeyMultibase === stored.publicKeyMultibase);
      if (!key) {
        throw new DdiError(
          ErrorCode.UnknownKey,
          `key "${name}" is not a governance key of the regulator ${config.regulator}`,
        );
      }
      return { id: key.id, name };
    });
  } else {
    const needed = Math.max(config.threshold - already.size, 0);
    chosen = heldGovernanceKeys(store, config)
      .filter((k) => !already.has(k.id))
      .slice(0, needed);
    if (chosen.length === 0) {
      throw new DdiError(
        ErrorCode.UnknownKey,
        needed === 0
          ? `the transaction already has ${already.size} governance signatures (threshold ${config.threshold})`
          : `the keystore holds none of the regulator's governance keys that still need to sign ` +
              '(ddi network init stores them; ddi key import-dev-regulator imports a development node’s)',
      );
    }
  }
  return governanceSigners(
    config.regulator,
    chosen.map((k) => ({ id: k.id, keyPair: store.keyPair(k.name) })),
  );
}

/** Reads a transaction file written by --sign-only (or by anyone else). */
export function readTransactionFile(path: string): Transaction {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DdiError(
      ErrorCode.NotFound,
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DdiError(ErrorCode.Malformed, `${path} is not JSON`);
  }
  return decodeTransaction(value).tx;
}

/** What a command signed with governance keys did: submitted it, or wrote it for more signatures. */
export type GovernanceOutcome =
  | { submitted: true; result: TransactionResult }
  | {
      submitted: false;
      transaction: Transaction;
      txId: string;
      signedBy: string[];
      threshold: number;
    };

/**
 * Signs with governance keys from the keystore, then submits the transaction, or with
 * --sign-only hands it on (a file or stdout) for the other key holders to sign. Without
 * --sign-only a transaction short of the threshold is not sent: it could only be refused.
 */
export async function signWithGovernanceKeys(
  ctx: CliContext,
  options: GovernanceSigningOptions,
  prepare: (signers: GovernanceSigners) => Promise<Transaction>,
): Promise<GovernanceOutcome> {
  if (options.out !== undefined && !options.signOnly) {
    throw new UsageError('--out goes with --sign-only');
  }
  const client = ctx.client();
  const config = await client.getGovernance();
  const store = await ctx.keystore(false);
  const signers = keystoreGovernanceSigners(store, config, { names: options.signers });
  const transaction = await prepare(signers);
  const signedBy = governanceKeyIdsOf(transaction, config.regulator);
  if (options.signOnly) {
    if (options.out !== undefined) writeTransactionFile(options.out, transaction);
    const txId = decodeTransaction(transaction).id;
    return { submitted: false, transaction, txId, signedBy, threshold: config.threshold };
  }
  if (signedBy.length < config.threshold) {
    throw new DdiError(
      ErrorCode.Unauthorized,
      `signed by ${signedBy.join(', ')}: ${signedBy.length} of the ${config.threshold} governance signatures needed. ` +
        'Add --sign-only --out tx.json, then `ddi gov sign tx.json` by the other key holders and `ddi gov submit tx.json`',
      { threshold: config.threshold, signatures: signedBy.length },
    );
  }
  return { submitted: true, result: await client.submitTransaction({ transaction }) };
}

/** Writes a (partly) signed transaction for the next key holder. It holds no secret. */
export function writeTransactionFile(path: string, transaction: Transaction): void {
  writeFileSync(path, `${JSON.stringify(transaction, null, 2)}\n`);
}

/**
 * Prints a governance command's outcome: what `submitted` describes once committed; for
 * --sign-only, the file written (or the transaction itself) and what is still missing.
 */
export function printGovernanceOutcome(
  ctx: CliContext,
  outcome: GovernanceOutcome,
  out: string | undefined,
  submitted: (result: TransactionResult) => { value: Record<string, unknown>; human: string },
): void {
  if (outcome.submitted) {
    const { value, human } = submitted(outcome.result);
    ctx.print({ ...value, txId: outcome.result.txId, status: outcome.result.status }, () => human);
    return;
  }
  printSignatureProgress(ctx, outcome, out);
}

/** After signing without submitting: the file (or transaction) and the signatures still missing. */
export function printSignatureProgress(
  ctx: CliContext,
  progress: { transaction: Transaction; txId: string; signedBy: string[]; threshold: number },
  out: string | undefined,
): void {
  const { transaction, txId, signedBy, threshold } = progress;
  const missing = Math.max(threshold - signedBy.length, 0);
  const file = out ?? 'tx.json';
  ctx.note(
    `signed by ${signedBy.join(', ')} (${signedBy.length} of ${threshold}); ` +
      (missing
        ? `${missing} more: \`ddi gov sign ${file}\` by other key holders, then \`ddi gov submit ${file}\``
        : `ready: \`ddi gov submit ${file}\``),
  );
  ctx.print(
    { txId, signedBy, threshold, ...(out === undefined ? { transaction } : { out }) },
    () => (out === undefined ? JSON.stringify(transaction, null, 2) : out),
  );
}

/** "tx 1a2b3c4d5e6f…, block 7" (or pending). */
export function blockNote(result: TransactionResult): string {
  return result.status.status === 'committed'
    ? `tx ${result.txId.slice(0, 12)}…, block ${result.status.height}`
    : `tx ${result.txId}, ${result.status.status}`;
}
