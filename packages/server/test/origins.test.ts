import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { isAuthorizedOrigin, OriginMatcher } from '../src/origins/match.ts';
import { normalizeOrigin, OriginFormatError } from '../src/origins/normalize.ts';
import { createTestContext, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';

describe('normalizeOrigin: what an admin types → the one spelling we store', () => {
  const normalized: [string, string][] = [
    ['HTTPS://App.Example.COM', 'https://app.example.com'],
    ['https://app.example.com', 'https://app.example.com'],
    ['https://app.example.com/', 'https://app.example.com'],
    ['  https://app.example.com  ', 'https://app.example.com'],
    ['https://app.example.com:443', 'https://app.example.com'],
    ['http://app.example.com:80', 'http://app.example.com'],
    ['https://app.example.com:80', 'https://app.example.com:80'],
    ['http://app.example.com:443', 'http://app.example.com:443'],
    ['https://app.example.com:8443', 'https://app.example.com:8443'],
    ['https://APP.example.com:08443/', 'https://app.example.com:8443'],
    ['https://bücher.example', 'https://xn--bcher-kva.example'],
    ['https://BÜCHER.example', 'https://xn--bcher-kva.example'],
    ['https://xn--bcher-kva.example', 'https://xn--bcher-kva.example'],
    ['https://ａｐｐ.example.com', 'https://app.example.com'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
    ['https://[2001:DB8:0:0:0:0:0:1]:443', 'https://[2001:db8::1]'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['https://*.example.com', 'https://*.example.com'],
    ['HTTPS://*.Example.COM:443/', 'https://*.example.com'],
    ['https://*.example.com:8443', 'https://*.example.com:8443'],
    ['https://*.bücher.example', 'https://*.xn--bcher-kva.example'],
  ];
  for (const [input, expected] of normalized) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      assert.equal(normalizeOrigin(input), expected);
    });
  }

  const refused: [string, RegExp][] = [
    ['https://app.example.com/embed', /no path.*https:\/\/app\.example\.com/],
    ['https://app.example.com/?', /no path|no query/],
    ['https://app.example.com?x=1', /no query/],
    ['https://app.example.com?', /no query/],
    ['https://app.example.com#top', /no fragment/],
    ['https://app.example.com#', /no fragment/],
    ['https://user:secret@app.example.com', /user name or password/],
    ['https://user@app.example.com', /user name or password/],
    ['*', /cannot be authorized/],
    ['null', /cannot be authorized/],
    ['', /required/],
    ['   ', /required/],
    ['app.example.com', /starts with http/],
    ['//app.example.com', /starts with http/],
    ['*.com', /starts with http/],
    ['ftp://files.example.com', /Only http and https/],
    ['javascript:alert(1)', /starts with http/],
    ['https://', /not a valid origin/],
    ['https://app.example.com:99999', /not a valid origin/],
    ['https://a b.example.com', /not a valid origin/],
    ['https://*.com', /registrable domain/],
    ['https://*.localhost', /registrable domain/],
    ['https://*.1.2.3', /not a valid origin|registrable domain/],
    ['https://*.[::1]', /not a valid origin|registrable domain/],
    ['https://*', /only as the whole first label/],
    ['https://a.*.example.com', /only as the whole first label/],
    ['https://*example.com', /only as the whole first label/],
    ['https://*.*.example.com', /only as the whole first label/],
    [`https://${'a'.repeat(300)}.example.com`, /too long/],
  ];
  for (const [input, message] of refused) {
    it(`refuses ${JSON.stringify(input.length > 60 ? `${input.slice(0, 40)}…` : input)}`, () => {
      assert.throws(() => normalizeOrigin(input), (error: unknown) => error instanceof OriginFormatError && message.test(error.message));
    });
  }
});

describe('OriginMatcher: the browser\'s Origin header against the saved set', () => {
  const matcher = new OriginMatcher([
    'https://app.example.com',
    'https://*.example.com',
    'https://*.partner.test:8443',
    'http://localhost:3000',
    'http://[::1]:8080',
    'https://xn--bcher-kva.example',
  ]);

  const table: [string | undefined, boolean][] = [
    ['https://app.example.com', true],
    ['https://a.example.com', true],
    ['https://a.b.example.com', true],
    ['https://example.com', false],
    ['https://example.com.evil.com', false],
    ['https://evilexample.com', false],
    ['https://a.evilexample.com', false],
    ['http://a.example.com', false],
    ['http://app.example.com', false],
    ['https://a.example.com:8443', false],
    ['https://shop.partner.test:8443', true],
    ['https://shop.partner.test', false],
    ['https://shop.partner.test:8444', false],
    ['https://partner.test:8443', false],
    ['http://localhost:3000', true],
    ['http://127.0.0.1:3000', false],
    ['http://localhost:3001', false],
    ['https://localhost:3000', false],
    ['http://[::1]:8080', true],
    ['http://[::1]', false],
    ['https://xn--bcher-kva.example', true],
    ['https://bücher.example', false],
    ['null', false],
    [undefined, false],
    ['', false],
    ['*', false],
    ['https://app.example.com/', false],
    ['https://app.example.com/embed', false],
    ['https://a.example.com/', false],
    ['HTTPS://APP.EXAMPLE.COM', false],
    ['https://App.example.com', false],
    ['https://A.example.com', false],
    ['https://app.example.com:443', false],
    ['https://a.example.com:443', false],
    ['https://a.example.com.', false],
    ['https://user@a.example.com', false],
    [`https://${'a'.repeat(290)}.example.com`, false],
  ];
  for (const [origin, expected] of table) {
    it(`${expected ? 'matches' : 'never matches'} ${JSON.stringify(origin && origin.length > 60 ? `${origin.slice(0, 40)}…` : origin)}`, () => {
      assert.equal(matcher.matches(origin), expected);
    });
  }

  it('matches nothing when nothing is authorized', () => {
    const none = new OriginMatcher([]);
    for (const origin of [TEST_ORIGIN, 'null', undefined, 'https://a.example.com']) assert.equal(none.matches(origin), false);
  });

  it('would match the over-long origin were it not for the 300-character cap (the cap is what refuses it)', () => {
    const longHost = `https://${'a'.repeat(280)}.example.com`;
    assert.ok(longHost.length <= 300);
    assert.equal(matcher.matches(longHost), true);
  });

  describe('property: accepts only listed origins', () => {
    const DEFAULT_PORT = { http: 80, https: 443 } as const;
    type Scheme = keyof typeof DEFAULT_PORT;
    const scheme = fc.constantFrom<Scheme>('http', 'https');
    const port = fc.constantFrom<number | null>(null, 80, 443, 3000, 8443);
    const host = fc.array(fc.constantFrom('a', 'b', 'app', 'example', 'evil', 'com', 'io'), { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
    // An authorized entry as the test understands it, and a spelling of it for the admin to type.
    const rarely = fc.constantFrom(false, false, false, true);
    const entry = fc
      .record({ scheme, wildcard: fc.boolean(), host, port, shout: fc.boolean(), slash: fc.boolean() })
      .filter((e) => !e.wildcard || e.host.includes('.'));
    type Entry = typeof entry extends fc.Arbitrary<infer T> ? T : never;
    const randomCandidate = fc.record({ scheme, host, port, shout: rarely, slash: rarely });
    // Near misses of a listed entry: the same host or one under it, the scheme or port sometimes changed.
    const candidateNear = (entries: Entry[]) =>
      fc
        .record({
          index: fc.nat(entries.length - 1),
          sub: fc.constantFrom('', 'a.', 'x.y.', 'evil'),
          otherScheme: rarely,
          port: fc.oneof(fc.constant('same' as const), port),
          shout: rarely,
          slash: rarely,
        })
        .map(({ index, sub, otherScheme, port: candidatePort, shout, slash }) => {
          const near = entries[index]!;
          const nearScheme: Scheme = otherScheme ? (near.scheme === 'http' ? 'https' : 'http') : near.scheme;
          return { scheme: nearScheme, host: sub + near.host, port: candidatePort === 'same' ? near.port : candidatePort, shout, slash };
        });
    const effectivePort = (s: Scheme, p: number | null) => (p === null ? DEFAULT_PORT[s] : p);
    const spell = (e: { scheme: Scheme; host: string; port: number | null; shout: boolean; slash: boolean }, prefix = '') =>
      `${e.scheme}://${prefix}${e.shout ? e.host.toUpperCase() : e.host}${e.port === null ? '' : `:${e.port}`}${e.slash ? '/' : ''}`;

    it('agrees with an independent model on random origins and lists', () => {
      const seen = { matched: 0, refused: 0 };
      fc.assert(
        fc.property(
          fc
            .array(entry, { minLength: 1, maxLength: 6 })
            .chain((entries) => fc.tuple(fc.constant(entries), fc.array(fc.oneof({ arbitrary: randomCandidate, weight: 1 }, { arbitrary: candidateNear(entries), weight: 3 }), { minLength: 1, maxLength: 10 }))),
          ([entries, candidates]) => {
          const saved = entries.map((e) => normalizeOrigin(spell(e, e.wildcard ? '*.' : '')));
          const matcher = new OriginMatcher(saved);
          for (const c of candidates) {
            const header = spell(c);
            // A browser sends the serialized origin: lowercase, no default port, no slash. Nothing else may match.
            const serialized = !c.shout && !c.slash && c.port !== DEFAULT_PORT[c.scheme];
            const listed = entries.some(
              (e) =>
                e.scheme === c.scheme &&
                effectivePort(e.scheme, e.port) === effectivePort(c.scheme, c.port) &&
                (e.wildcard ? c.host.endsWith(`.${e.host}`) : c.host === e.host),
            );
            const expected = serialized && listed;
            assert.equal(matcher.matches(header), expected, `${header} against ${JSON.stringify(saved)}`);
            assert.equal(isAuthorizedOrigin(header, saved), expected);
            seen[expected ? 'matched' : 'refused']++;
          }
        },
        ),
        { numRuns: 1500 },
      );
      // The generators overlap enough for both outcomes to be exercised many times.
      assert.ok(seen.matched > 200 && seen.refused > 200, JSON.stringify(seen));
    });
  });
});

describe('origins over HTTP', () => {
  let ctx: TestContext;
  let token: string;
  let admin: Record<string, string>;

  before(async () => {
    ctx = await createTestContext();
    token = await ctx.mint();
    admin = await ctx.adminHeaders();
  });
  after(() => ctx.close());

  const session = (origin?: string, bearer: string | null = token) =>
    ctx.inject({
      method: 'POST',
      url: '/embed/session',
      headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(origin === undefined ? {} : { origin }) },
    });

  it('saves the normalised origin and shows it to the admin', async () => {
    const response = await ctx.inject({ method: 'POST', url: '/api/origins', headers: admin, payload: { origin: 'HTTPS://Partner.Example.COM:443/' } });
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json().origin, 'https://partner.example.com');
    const listed = await ctx.inject({ method: 'GET', url: '/api/origins', headers: admin });
    assert.ok(listed.json().origins.some((entry: { origin: string }) => entry.origin === 'https://partner.example.com'));
    const opened = await session('https://partner.example.com');
    assert.equal(opened.statusCode, 200);
    assert.equal(opened.headers['access-control-allow-origin'], 'https://partner.example.com');
  });

  for (const origin of ['https://app.example.com/embed', 'https://app.example.com?x=1', 'https://u:p@app.example.com', '*', 'null', 'https://*.com', 42]) {
    it(`refuses to save ${JSON.stringify(origin)} with 400 naming the field`, async () => {
      const response = await ctx.inject({ method: 'POST', url: '/api/origins', headers: admin, payload: { origin } });
      assert.equal(response.statusCode, 400, response.body);
      const body = response.json();
      assert.equal(body.error.code, 'invalid_request');
      assert.equal(body.error.details[0].field, 'origin');
    });
  }

  it('answers CORS with the matched origin itself and Vary: Origin, never * or null', async () => {
    const response = await session(TEST_ORIGIN);
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['access-control-allow-origin'], TEST_ORIGIN);
    assert.match(String(response.headers.vary), /\bOrigin\b/);
  });

  for (const origin of ['null', 'https://evil.example', 'https://app.example.com.evil.com', 'http://app.example.com', 'https://app.example.com:443', 'HTTPS://APP.EXAMPLE.COM', 'https://app.example.com/']) {
    it(`refuses a session from ${origin} with 403 and grants it no CORS`, async () => {
      const response = await session(origin);
      assert.equal(response.statusCode, 403);
      assert.equal(response.json().error.code, 'origin_not_authorized');
      const allowed = response.headers['access-control-allow-origin'];
      assert.ok(allowed === undefined, `CORS granted to ${String(allowed)}`);
    });
  }

  it('refuses a session without an Origin header', async () => {
    const response = await session(undefined);
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().error.code, 'origin_not_authorized');
  });

  it('does not treat an authorized origin as authentication', async () => {
    const response = await session(TEST_ORIGIN, null);
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error.code, 'invalid_token');
  });

  it('answers a preflight only for an authorized origin', async () => {
    const preflight = (origin: string) =>
      ctx.inject({
        method: 'OPTIONS',
        url: '/embed/session',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight(TEST_ORIGIN);
    assert.equal(allowed.headers['access-control-allow-origin'], TEST_ORIGIN);
    assert.match(String(allowed.headers.vary), /\bOrigin\b/);
    for (const origin of ['https://evil.example', 'null']) {
      const refused = await preflight(origin);
      assert.equal(refused.headers['access-control-allow-origin'], undefined);
      assert.match(String(refused.headers.vary), /\bOrigin\b/);
    }
  });

  it('authorizes subdomains through a wildcard, never the base domain, and forgets removed origins at once', async () => {
    const added = await ctx.inject({ method: 'POST', url: '/api/origins', headers: admin, payload: { origin: 'https://*.shop.test' } });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal((await session('https://eu.shop.test')).statusCode, 200);
    assert.equal((await session('https://shop.test')).statusCode, 403);
    assert.equal((await session('https://eu.shop.test.evil.com')).statusCode, 403);

    const removed = await ctx.inject({ method: 'DELETE', url: `/api/origins?origin=${encodeURIComponent('https://*.shop.test')}`, headers: admin });
    assert.equal(removed.statusCode, 200, removed.body);
    assert.equal((await session('https://eu.shop.test')).statusCode, 403);
  });
});
