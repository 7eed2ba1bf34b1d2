import { expect } from '@open-wc/testing';
import { firstUnauthorizedOrigin, framingOriginUnknown, isAuthorizedOrigin, pageOrigins, UNKNOWN_FRAMING_ORIGIN } from '../src/session/origin-check.js';

describe('isAuthorizedOrigin', () => {
  const authorized = ['https://app.example.com', 'https://*.example.org', 'http://localhost:3000'];

  it('accepts exact origins only', () => {
    expect(isAuthorizedOrigin('https://app.example.com', authorized)).to.equal(true);
    expect(isAuthorizedOrigin('http://localhost:3000', authorized)).to.equal(true);
    expect(isAuthorizedOrigin('http://app.example.com', authorized)).to.equal(false);
    expect(isAuthorizedOrigin('https://app.example.com:8443', authorized)).to.equal(false);
    expect(isAuthorizedOrigin('http://localhost:3001', authorized)).to.equal(false);
    expect(isAuthorizedOrigin('http://127.0.0.1:3000', authorized)).to.equal(false);
  });

  it('matches wildcard entries on subdomains with the same scheme and port, never the base itself', () => {
    expect(isAuthorizedOrigin('https://a.example.org', authorized)).to.equal(true);
    expect(isAuthorizedOrigin('https://a.b.example.org', authorized)).to.equal(true);
    expect(isAuthorizedOrigin('https://example.org', authorized)).to.equal(false);
    expect(isAuthorizedOrigin('https://evilexample.org', authorized)).to.equal(false);
    expect(isAuthorizedOrigin('http://a.example.org', authorized)).to.equal(false);
    expect(isAuthorizedOrigin('https://a.example.org:444', authorized)).to.equal(false);
  });

  it('never matches the opaque origin "null"', () => {
    expect(isAuthorizedOrigin('null', [...authorized, 'null'])).to.equal(false);
  });
});

describe('pageOrigins', () => {
  it('lists the page origin first and every ancestor after it', () => {
    const framed = { location: { origin: 'https://app.example.com', ancestorOrigins: ['https://portal.example.net'] } } as unknown as Window;
    expect(pageOrigins(framed)).to.deep.equal(['https://app.example.com', 'https://portal.example.net']);
    expect(firstUnauthorizedOrigin(pageOrigins(framed), ['https://app.example.com'])).to.equal('https://portal.example.net');
  });

  it('is this page alone when not framed', () => {
    expect(pageOrigins()).to.deep.equal([location.origin]);
  });
});

/** A window as a browser without location.ancestorOrigins (Firefox) shows it; `parent` absent means top. */
interface FakeFrame {
  origin: string;
  referrer?: string;
  parent?: FakeFrame;
}

function fakeWindow(frame: FakeFrame, viewer?: FakeFrame): Window {
  const win: Record<string, unknown> = {};
  const crossOrigin = viewer !== undefined && viewer.origin !== frame.origin;
  win.location = crossOrigin
    ? {
        get origin(): string {
          throw new DOMException('Blocked a frame from accessing a cross-origin frame.', 'SecurityError');
        },
      }
    : { origin: frame.origin };
  win.document = { referrer: frame.referrer ?? '' };
  win.parent = frame.parent ? fakeWindow(frame.parent, frame) : win;
  return win as unknown as Window;
}

describe('pageOrigins without location.ancestorOrigins', () => {
  const portal = { origin: 'https://portal.example.net' };

  it('is the page alone at the top', () => {
    expect(pageOrigins(fakeWindow({ origin: 'https://app.example.com' }))).to.deep.equal(['https://app.example.com']);
  });

  it("takes a cross-origin parent's origin from the referrer", () => {
    const win = fakeWindow({ origin: 'https://app.example.com', referrer: 'https://portal.example.net/reports?id=1', parent: portal });
    expect(pageOrigins(win)).to.deep.equal(['https://app.example.com', 'https://portal.example.net']);
    expect(firstUnauthorizedOrigin(pageOrigins(win), ['https://app.example.com'])).to.equal('https://portal.example.net');
    expect(firstUnauthorizedOrigin(pageOrigins(win), ['https://app.example.com', 'https://portal.example.net'])).to.equal(undefined);
  });

  it('refuses a cross-origin parent that sent no referrer, saying what to change', () => {
    const win = fakeWindow({ origin: 'https://app.example.com', parent: portal });
    expect(pageOrigins(win)).to.deep.equal(['https://app.example.com', UNKNOWN_FRAMING_ORIGIN]);
    // Even an organization that authorized everything it knows: the framing page is not known.
    expect(firstUnauthorizedOrigin(pageOrigins(win), ['https://app.example.com', 'https://*.example.net'])).to.equal(UNKNOWN_FRAMING_ORIGIN);
    expect(framingOriginUnknown().message).to.contain('Referrer-Policy').and.contain('referrerpolicy="no-referrer"');
  });

  it("does not take the frame's own origin as referrer for a cross-origin parent (it navigated inside the frame)", () => {
    const win = fakeWindow({ origin: 'https://app.example.com', referrer: 'https://app.example.com/previous', parent: portal });
    expect(pageOrigins(win)).to.deep.equal(['https://app.example.com', UNKNOWN_FRAMING_ORIGIN]);
  });

  it('reads same-origin parents directly, then the referrer of the first cross-origin one', () => {
    const shell = { origin: 'https://app.example.com', referrer: 'https://evil.example/', parent: { origin: 'https://evil.example' } };
    const win = fakeWindow({ origin: 'https://app.example.com', referrer: 'https://app.example.com/shell', parent: shell });
    expect(pageOrigins(win)).to.deep.equal(['https://app.example.com', 'https://app.example.com', 'https://evil.example']);
    expect(firstUnauthorizedOrigin(pageOrigins(win), ['https://app.example.com'])).to.equal('https://evil.example');
  });

  it('ignores a referrer that is not a URL', () => {
    const win = fakeWindow({ origin: 'https://app.example.com', referrer: 'not a url', parent: portal });
    expect(pageOrigins(win)).to.deep.equal(['https://app.example.com', UNKNOWN_FRAMING_ORIGIN]);
  });
});
