import { TcEmbedError } from './errors.ts';

/**
 * Whether this code runs in a browser page or worker. The API key mints tokens for any user with any
 * attributes, so it must never reach one (seed 003: "This request must remain server-side").
 */
export function isBrowserLike(scope: object = globalThis): boolean {
  return 'window' in scope || 'document' in scope || 'WorkerGlobalScope' in scope;
}

/** Throws `browser_not_supported` where browser globals exist. */
export function assertServerRuntime(scope: object = globalThis): void {
  if (isBrowserLike(scope)) {
    throw new TcEmbedError(
      'browser_not_supported',
      '@tc-embed/node runs on your server only: it holds your API key, which mints tokens for any user. ' +
        'Mint tokens in a backend route (see createTokenHandler) and give the browser a fetchToken that calls it.',
    );
  }
}
