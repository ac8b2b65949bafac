import { Command } from 'commander';
import { withContext } from '../command-kit.ts';

/** `ddi tx …`: transactions on the ledger. */
export function txCommand(): Command {
  const tx = new Command('tx').description('transactions');
  tx.command('status')
    .description('status of a transaction: pending, committed (with its block) or rejected')
    .argument('<id>', 'transaction id (64 hex digits)')
    .action(
      withContext(async (ctx, id: string) => {
        const status = await ctx.client().getTransactionStatus(id);
        ctx.print(status, () => {
          switch (status.status) {
            case 'committed':
              return `committed in block ${status.height} (position ${status.position}, block ${status.blockHash})`;
            case 'rejected':
              return `rejected [${status.code}]: ${status.message}`;
            default:
              return status.status;
          }
        });
      }),
    );
  return tx;
}
