#!/usr/bin/env node
// The login end-to-end test drives a real browser: Debian's chromium through playwright-core
// (which downloads no browser of its own). Install it when we may (root with apt-get),
// otherwise say exactly what is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.DDI_CHROMIUM ?? '/usr/bin/chromium';
if (existsSync(chromium)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('apt-get', ['--version']).status === 0;
if (isRoot && hasApt) {
  console.log("[ddi] chromium is missing: installing Debian's package (apt-get install chromium)…");
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    process.exit(0);
  } catch {
    // fall through to the message
  }
}
console.error(
  `[ddi] the login browser test needs chromium at ${chromium}: \`sudo apt-get install chromium\` on Debian, or set DDI_CHROMIUM`,
);
process.exit(1);
