import { expect } from '@open-wc/testing';
import { firstUnauthorizedOrigin, isAuthorizedOrigin, pageOrigins } from '../src/session/origin-check.js';

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
