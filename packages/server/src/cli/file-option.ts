import { isAbsolute, resolve } from 'node:path';

/**
 * `--file rules.json` names a file relative to where the user typed the command, but a running server may
 * execute the command (control-channel.ts) from another working directory: make the path absolute first.
 */
export function absoluteFileOption(argv: readonly string[], cwd: string): string[] {
  const absolute = (path: string) => (path === '' || isAbsolute(path) ? path : resolve(cwd, path));
  return argv.map((arg, i) => {
    if (arg.startsWith('--file=')) return `--file=${absolute(arg.slice('--file='.length))}`;
    if (i > 0 && argv[i - 1] === '--file' && !arg.startsWith('-')) return absolute(arg);
    return arg;
  });
}
