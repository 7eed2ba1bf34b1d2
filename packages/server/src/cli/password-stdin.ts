import type { Readable, Writable } from 'node:stream';

export const PASSWORD_STDIN_FLAG = '--password-stdin';

/**
 * `--password-stdin` keeps a password out of the shell history and the process list. The CLI process reads it
 * (a command forwarded to a running server carries no stdin) and passes it on as `--password`.
 */
export async function resolvePasswordStdin(argv: readonly string[], readSecret: () => Promise<string>): Promise<string[]> {
  if (!argv.includes(PASSWORD_STDIN_FLAG)) return [...argv];
  if (argv.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
    throw new Error('Give either --password or --password-stdin, not both.');
  }
  const password = await readSecret();
  if (password === '') throw new Error('--password-stdin read an empty password; pipe it in, e.g. printf %s "$PW" | tc-embed …');
  return argv.flatMap((arg) => (arg === PASSWORD_STDIN_FLAG ? [`--password=${password}`] : [arg]));
}

type Input = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/** A pipe: everything up to EOF, without one trailing newline. A terminal: a prompt that does not echo. */
export function readSecretFromStdin(input: Input = process.stdin, prompt: Writable = process.stderr): Promise<string> {
  if (input.isTTY && input.setRawMode) return readHiddenLine(input, prompt);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    input.on('data', (chunk: Buffer | string) => chunks.push(Buffer.from(chunk)));
    input.once('error', reject);
    input.once('end', () => resolve(Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')));
  });
}

function readHiddenLine(input: Input, prompt: Writable): Promise<string> {
  prompt.write('Password: ');
  input.setRawMode!(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (outcome: () => void) => {
      input.setRawMode!(false);
      input.pause();
      input.off('data', onData);
      prompt.write('\n');
      outcome();
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish(() => resolve(typed));
        if (char === '\u0003') return finish(() => reject(new Error('cancelled')));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}
