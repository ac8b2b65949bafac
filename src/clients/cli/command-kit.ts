import { Option } from 'commander';
import type { Command } from 'commander';
import type { KeyTypeName } from '../../core/keys/index.ts';
import { CliContext } from './context.ts';
import type { GlobalOptions } from './context.ts';

export const KEY_TYPES: readonly KeyTypeName[] = ['ed25519', 'p256', 'secp256k1', 'sm2'];

/** `--type <type>` limited to the four key types. */
export function keyTypeOption(flags = '--type <type>', description = 'key type'): Option {
  return new Option(flags, description).choices(KEY_TYPES);
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Adapts a handler to commander's action signature (positional args…, options, command),
 * giving it a CliContext built from the global options.
 */
export function withContext<A extends unknown[]>(
  handler: (ctx: CliContext, ...args: A) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const ctx = new CliContext(command.optsWithGlobals<GlobalOptions>());
    await handler(ctx, ...(args.slice(0, -1) as A));
  };
}
