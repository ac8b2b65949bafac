import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNodeConfig } from '../../src/services/node/node-config.ts';
import { startNode } from '../../src/services/node/start-node.ts';
import type { RunningNode } from '../../src/services/node/start-node.ts';

/** A development node in a fresh temp directory, on a free loopback port. */
export async function startTestNode(): Promise<{ running: RunningNode; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddi-sdk-'));
  // An empty env: DDI_* variables of the shell running the tests must not leak in.
  const running = await startNode(loadNodeConfig({ dataDir, port: 0, host: '127.0.0.1' }, {}));
  return {
    running,
    async close() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
