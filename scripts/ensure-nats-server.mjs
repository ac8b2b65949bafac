#!/usr/bin/env node
// `npm test` starts real NATS clusters (the many-operator tests). On a fresh Debian machine
// nats-server is one package away: install it when we may (root with apt-get), otherwise
// say exactly what is missing.
import { execFileSync, spawnSync } from 'node:child_process';

const found = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
if (found.status === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('apt-get', ['--version']).status === 0;
if (isRoot && hasApt) {
  console.log(
    "[ddi] nats-server is missing: installing Debian's package (apt-get install nats-server)…",
  );
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'nats-server'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    process.exit(0);
  } catch {
    // fall through to the message
  }
}
console.error(
  '[ddi] the tests need nats-server (2.9 or later) on PATH: `sudo apt-get install nats-server` on Debian/Ubuntu, or see https://docs.nats.io',
);
process.exit(1);
