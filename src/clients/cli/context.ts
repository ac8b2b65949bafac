import { DdiError, ErrorCode } from '../../core/errors.ts';
import { Keystore } from '../keystore/keystore.ts';
import { keystorePath } from '../keystore/keystore-path.ts';
import { readPassphrase } from '../keystore/passphrase.ts';
import { createClient } from '../sdk/client.ts';
import type { DdiClient } from '../sdk/client.ts';
import { httpTransport } from '../sdk/transports/http.ts';

/** Options every ddi command accepts. */
export interface GlobalOptions {
  node?: string;
  keystore?: string;
  json?: boolean;
}

export const DEFAULT_NODE_URL = 'http://127.0.0.1:7070';

/**
 * What a command runs with: where the node and the keystore are, and how to print. Clients
 * and the keystore are opened lazily, so `ddi did resolve` never asks for a passphrase.
 */
export class CliContext {
  private clientInstance?: DdiClient;
  private keystoreInstance?: Keystore;

  constructor(
    readonly options: GlobalOptions,
    readonly env: NodeJS.ProcessEnv = process.env,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  get json(): boolean {
    return this.options.json === true;
  }

  /** The node's base URL: --node, else DDI_NODE, else http://127.0.0.1:7070. */
  get nodeUrl(): string {
    return this.options.node || this.env.DDI_NODE || DEFAULT_NODE_URL;
  }

  /** The SDK client for the node. */
  client(): DdiClient {
    this.clientInstance ??= createClient(httpTransport(this.nodeUrl));
    return this.clientInstance;
  }

  get keystorePath(): string {
    return keystorePath(this.options.keystore, this.env);
  }

  /**
   * The keystore, decrypted. Reading a keystore that does not exist yet gives an empty one
   * without asking for a passphrase; `forWrite` asks for a new one (twice) to create it.
   */
  async keystore(forWrite: boolean): Promise<Keystore> {
    if (this.keystoreInstance) return this.keystoreInstance;
    const path = this.keystorePath;
    if (!Keystore.exists(path)) {
      if (!forWrite) return Keystore.open(path, '');
      this.keystoreInstance = Keystore.open(
        path,
        await readPassphrase({ env: this.env, confirm: true }),
      );
      return this.keystoreInstance;
    }
    this.keystoreInstance = Keystore.open(path, await readPassphrase({ env: this.env }));
    return this.keystoreInstance;
  }

  /** Saves the keystore, telling the user once when it was just created. */
  saveKeystore(store: Keystore): void {
    const created = !store.onDisk;
    store.save();
    if (created) this.note(`created keystore ${store.path}`);
  }

  /** Prints a command's result: `value` as one JSON document with --json, else `human()`. */
  print(value: unknown, human: () => string | string[]): void {
    if (this.json) {
      this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      return;
    }
    const text = human();
    const lines = Array.isArray(text) ? text : [text];
    if (lines.length) this.stdout.write(`${lines.join('\n')}\n`);
  }

  /** One event of a long-running command: one JSON line with --json (JSON Lines), else `human()`. */
  printEvent(value: unknown, human: () => string): void {
    this.stdout.write(`${this.json ? JSON.stringify(value) : human()}\n`);
  }

  /** A side note for people (stderr), never mixed into machine output. */
  note(message: string): void {
    if (!this.json) this.stderr.write(`${message}\n`);
  }
}

/** Throws `notFound` with a hint when the keystore has no record of `did`. */
export function requireStoredDid(store: Keystore, did: string) {
  const record = store.did(did);
  if (!record) {
    throw new DdiError(ErrorCode.NotFound, `${did} is not in the keystore ${store.path}`);
  }
  return record;
}
