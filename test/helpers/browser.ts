import { chromium, type Browser, type Request } from 'playwright-core';

/** The flags every browser test runs Chromium with (headless, as root, no background traffic). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Headless Chromium from `CHROME_PATH` or /usr/bin/chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * A request that really failed, as a test should count it. Chromium reports `net::ERR_ABORTED` for a fetch whose
 * body the page read as a stream (the dashboard's NDJSON, the assistant's events) once that read ends, even
 * when the whole body arrived; such a request answered 200 with a streaming type is not a failure (the tests
 * check separately that every tile arrived).
 */
export async function isRealFailure(request: Request): Promise<boolean> {
  if (request.failure()?.errorText !== 'net::ERR_ABORTED') return true;
  const response = await request.response().catch(() => null);
  const type = response?.headers()['content-type'] ?? '';
  return !(response?.status() === 200 && /^(application\/x-ndjson|text\/event-stream)/.test(type));
}
