import { DdiError, ErrorCode } from '../../core/errors.ts';

export interface PassphraseOptions {
  env?: NodeJS.ProcessEnv;
  /** Ask twice and compare (when a new keystore is created). */
  confirm?: boolean;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WritableStream;
}

/**
 * The keystore passphrase: DDI_PASSPHRASE if set, else asked on the terminal without echo.
 * Without either (a script, a pipe) it fails clearly instead of hanging on a read.
 */
export async function readPassphrase(options: PassphraseOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  if (env.DDI_PASSPHRASE) return env.DDI_PASSPHRASE;
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stderr;
  if (!input.isTTY) {
    throw new DdiError(
      ErrorCode.KeystoreLocked,
      'the keystore needs a passphrase: set DDI_PASSPHRASE, or run ddi in a terminal to be asked for it',
    );
  }
  const first = await promptHidden(
    options.confirm ? 'New keystore passphrase: ' : 'Keystore passphrase: ',
    input,
    output,
  );
  if (first.length === 0)
    throw new DdiError(ErrorCode.Malformed, 'the passphrase must not be empty');
  if (options.confirm) {
    const again = await promptHidden('Repeat the passphrase: ', input, output);
    if (again !== first) throw new DdiError(ErrorCode.Malformed, 'the passphrases do not match');
  }
  return first;
}

/** Reads one line from a TTY in raw mode, echoing nothing. */
function promptHidden(
  question: string,
  input: NodeJS.ReadStream,
  output: NodeJS.WritableStream,
): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(question);
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.resume();
    let value = '';
    const finish = (): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          // Raw mode turns Ctrl-C into a character instead of SIGINT.
          finish();
          reject(new DdiError(ErrorCode.KeystoreLocked, 'passphrase entry cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}
