import { Command, CommanderError } from 'commander';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import { blockCommand } from './commands/block.ts';
import { didCommand } from './commands/did.ts';
import { keyCommand } from './commands/key.ts';
import { nodeCommand } from './commands/node.ts';
import { txCommand } from './commands/tx.ts';
import { networkCommand } from './commands/network.ts';
import { govCommand } from './commands/gov.ts';
import { trustCommand } from './commands/trust.ts';
import { templateCommand } from './commands/template.ts';
import { orgCommand } from './commands/org.ts';
import { issuerCommand } from './commands/issuer.ts';
import { agencyCommand } from './commands/agency.ts';
import { walletCommand } from './commands/wallet.ts';
import { statusCommand } from './commands/status.ts';
import { consentCommand } from './commands/consent.ts';
import { deviceCommand } from './commands/device.ts';
import { appCommand } from './commands/app.ts';
import { bridgeCommand } from './commands/bridge.ts';
import { DEFAULT_NODE_URL } from './context.ts';
import { UsageError } from './usage-error.ts';

/** The `ddi` command tree. Commander never exits the process itself: runCli decides. */
export function buildProgram(): Command {
  const program = new Command('ddi')
    .description('ddi: did:ddi identities on a permissioned ledger')
    .version('0.1.0')
    .option('--node <url>', `node API URL (DDI_NODE, default ${DEFAULT_NODE_URL})`)
    .option('--keystore <path>', 'keystore file (DDI_KEYSTORE, default ~/.ddi/keystore.json)')
    .option('--json', 'machine output: exactly one JSON document on stdout')
    .showSuggestionAfterError()
    .exitOverride()
    // runCli prints errors in ddi's own format.
    .configureOutput({ outputError: () => {} });
  for (const command of [
    nodeCommand(),
    keyCommand(),
    didCommand(),
    txCommand(),
    blockCommand(),
    networkCommand(),
    govCommand(),
    trustCommand(),
    templateCommand(),
    orgCommand(),
    statusCommand(),
    consentCommand(),
    issuerCommand(),
    walletCommand(),
    agencyCommand(),
    deviceCommand(),
    appCommand(),
    bridgeCommand(),
  ]) {
    program.addCommand(command);
  }
  // Settings are copied to subcommands only when they are created through .command(), so
  // apply them to every added command and its children.
  const inherit = (command: Command): void => {
    for (const child of command.commands) {
      child.copyInheritedSettings(command);
      inherit(child);
    }
  };
  inherit(program);
  return program;
}

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Runs the CLI and returns the exit status: 0 success, 2 usage error, 1 anything else.
 * Errors print as `error [code]: message` on stderr, or `{"error":{code,message}}` on
 * stdout with --json, so a script reads one JSON document whatever happened.
 */
export async function runCli(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const json = argv.includes('--json');
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end up here too, having printed what was asked.
      if (
        err.exitCode === 0 ||
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version'
      ) {
        return 0;
      }
      if (err.code === 'commander.help') return 2;
      return report(io, json, 'usage', err.message.replace(/^error: /, ''), 2);
    }
    if (err instanceof UsageError) return report(io, json, err.code, err.message, 2);
    if (err instanceof DdiError) return report(io, json, err.code, err.message, 1, err.details);
    const message = err instanceof Error ? err.message : String(err);
    return report(io, json, ErrorCode.Internal, message, 1);
  }
}

function report(
  io: CliIo,
  json: boolean,
  code: string,
  message: string,
  status: number,
  details?: Record<string, unknown>,
): number {
  if (json) {
    const error = details ? { code, message, details } : { code, message };
    io.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
  } else {
    io.stderr.write(`error [${code}]: ${message}\n`);
  }
  return status;
}
