import { chromium, type Browser, type Request } from 'playwright-core';

/**
 * Headless Chromium (156) builds its omnibox popup's WebUI, in a renderer of its own, for every new window — every
 * new context here: hundreds of ms of CPU per page on two cores, browser UI no test looks at. Left out.
 */
export const DISABLED_BROWSER_UI = '--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup,PreloadTopChromeWebUI,PreloadTopChromeWebUILessNavigations';

/** The flags every browser test and the first-paint bench run Chromium with (headless, as root, no background traffic). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  DISABLED_BROWSER_UI,
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
