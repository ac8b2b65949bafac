import { Command } from 'commander';
import { withContext } from '../command-kit.ts';
import { UsageError } from '../usage-error.ts';

/** `ddi block …`: blocks of the ledger. */
export function blockCommand(): Command {
  const block = new Command('block').description('blocks');
  block
    .command('get')
    .description('a block by height, or the latest')
    .argument('<height>', 'a block height or "latest"')
    .action(
      withContext(async (ctx, height: string) => {
        if (height !== 'latest' && !/^[0-9]{1,15}$/.test(height)) {
          throw new UsageError(`a block height is a number or "latest", got "${height}"`);
        }
        const found = await ctx.client().getBlock(height === 'latest' ? 'latest' : Number(height));
        const { header } = found;
        ctx.print(found, () => [
          `height    ${header.height}`,
          `hash      ${found.hash}`,
          `time      ${new Date(header.time).toISOString()}`,
          `previous  ${header.previousHash}`,
          `txRoot    ${header.txRoot}`,
          `state     ${header.stateRoot}`,
          `signed by ${found.signatures.map((s) => s.operator).join(', ')}`,
          `${header.txCount} transaction(s)${found.txIds.length ? ':' : ''}`,
          ...found.txIds.map((id) => `  ${id}`),
        ]);
      }),
    );
  return block;
}
