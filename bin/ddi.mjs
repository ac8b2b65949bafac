#!/usr/bin/env node
// The `ddi` command: loads the TypeScript CLI through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/clients/cli/main.ts');
