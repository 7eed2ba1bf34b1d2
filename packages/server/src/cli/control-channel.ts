import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { TcError } from '../errors.ts';
import type { Services } from '../services.ts';
import { LOCAL_COMMANDS, runCommand, type CommandResult } from './commands.ts';

/**
 * While a server owns the embedded store, `tc-embed` commands are forwarded to it: the server writes
 * `<dataDir>/control.json` (mode 0600: a secret and its loopback URL) and runs the command in-process, so
 * caches see the change at once (a revoked key is refused on the next request).
 */
export interface ControlFile {
  pid: number;
  url: string;
  secret: string;
}

const CONTROL_HEADER = 'x-tc-control';
const controlPath = (dataDir: string) => join(dataDir, 'control.json');

export function registerControlRoute(app: FastifyInstance, services: Services, secret: string): void {
  const expected = Buffer.from(secret);
  // Loopback-only and secret-guarded: not part of the public API, so left out of the OpenAPI document.
  const docs = { tag: 'Internal', summary: 'CLI control channel', hide: true, responses: { 200: { description: 'The command\'s result.' } } };
  app.post('/internal/cli', { bodyLimit: 64 * 1024, config: { openapi: docs } }, async (request): Promise<CommandResult> => {
    const presented = Buffer.from(String(request.headers[CONTROL_HEADER] ?? ''));
    // The TCP peer, not request.ip: with TC_TRUST_PROXY set, request.ip comes from X-Forwarded-For.
    const peer = request.socket.remoteAddress;
    const loopback = peer === '127.0.0.1' || peer === '::1' || peer === '::ffff:127.0.0.1';
    if (!loopback || presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new TcError('not_found', `No route POST /internal/cli.`);
    }
    const argv = (request.body as { argv?: unknown })?.argv;
    if (!Array.isArray(argv) || !argv.every((arg) => typeof arg === 'string') || LOCAL_COMMANDS.has(argv[0])) {
      throw new TcError('invalid_request', 'argv must be an array of strings naming a forwardable command.');
    }
    return runCommand(argv, services);
  });
}

export function newControlSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function writeControlFile(dataDir: string, file: ControlFile): () => void {
  writeFileSync(controlPath(dataDir), JSON.stringify(file), { mode: 0o600 });
  return () => {
    try {
      const current = JSON.parse(readFileSync(controlPath(dataDir), 'utf8')) as ControlFile;
      if (current.pid === process.pid) rmSync(controlPath(dataDir), { force: true });
    } catch {
      // Already gone.
    }
  };
}

/** Forwards argv to a running server; undefined when none is running (or it does not answer). */
export async function forwardToRunningServer(dataDir: string, argv: readonly string[]): Promise<CommandResult | undefined> {
  let file: ControlFile;
  try {
    file = JSON.parse(readFileSync(controlPath(dataDir), 'utf8')) as ControlFile;
    process.kill(file.pid, 0);
  } catch {
    return undefined;
  }
  try {
    const response = await fetch(`${file.url}/internal/cli`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CONTROL_HEADER]: file.secret },
      body: JSON.stringify({ argv }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) return undefined;
    return (await response.json()) as CommandResult;
  } catch {
    return undefined;
  }
}
