import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where the keystore lives: `--keystore`, else DDI_KEYSTORE, else ~/.ddi/keystore.json. */
export function keystorePath(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(option || env.DDI_KEYSTORE || join(homedir(), '.ddi', 'keystore.json'));
}
