/** Entry point of the `ddi` command (bin/ddi.mjs loads this file). */
import { runCli } from './program.ts';

// exitCode, not process.exit(): pending output is flushed, and `ddi node start` keeps running.
process.exitCode = await runCli(process.argv.slice(2));
