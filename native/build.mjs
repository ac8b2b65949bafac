#!/usr/bin/env node
// Builds the optional native SM2 addon (native/sm2) with the node-gyp that ships with npm.
// Runs from the package `install` script. A failed build is not fatal: src/core/keys/sm2.ts
// falls back to pure-JS SM2 (correct but ~10x slower), so we warn and exit 0.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const addonDir = join(here, 'sm2');

function warn(message) {
  console.warn(`\n[ddi] WARNING: native SM2 addon not built: ${message}`);
  console.warn('[ddi] SM2 will use the pure-JavaScript backend (correct, but about 10x slower).');
  console.warn('[ddi] To retry: node native/build.mjs\n');
}

/** Finds node-gyp: npm's own when run by npm, else the copy bundled next to the npm on PATH. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  const nodeDir = dirname(process.execPath);
  candidates.push(
    resolve(nodeDir, '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
    resolve(nodeDir, 'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  );
  return candidates.find((c) => existsSync(c));
}

function main() {
  if (process.env.DDI_SKIP_NATIVE === '1') {
    console.log('[ddi] DDI_SKIP_NATIVE=1: skipping the native SM2 addon.');
    return;
  }
  const gyp = findNodeGyp();
  if (!gyp) {
    warn('node-gyp was not found (looked for npm_config_node_gyp and npm’s bundled copy)');
    return;
  }
  const args = [gyp, 'rebuild', '--release'];
  // Outside npm, node-gyp would try to download headers; use the installed ones when present.
  const localRoot = resolve(dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && existsSync(join(localRoot, 'include/node/node_api.h'))) {
    args.push(`--nodedir=${localRoot}`);
  }
  const result = spawnSync(process.execPath, args, {
    cwd: addonDir,
    stdio: 'inherit',
    env: process.env,
  });
  if (result.error) {
    warn(result.error.message);
    return;
  }
  if (result.status !== 0) {
    warn(`node-gyp exited with status ${result.status} (see its output above)`);
    return;
  }
  const built = join(addonDir, 'build', 'Release', 'ddi_sm2.node');
  if (!existsSync(built)) {
    warn(`node-gyp succeeded but ${built} is missing`);
    return;
  }
  console.log(`[ddi] built native SM2 addon: ${built}`);
}

try {
  main();
} catch (error) {
  warn(error instanceof Error ? error.message : String(error));
}
process.exit(0);
