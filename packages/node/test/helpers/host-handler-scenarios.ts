import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TcEmbedError } from '../../src/index.ts';
import { TEST_ORIGIN, type LiveServer } from './live-server.ts';

/** A host app serving a token handler (node:http, Fastify, …) on three routes, as each test file builds it. */
export interface HostUnderTest {
  /** Its base URL: `/api/tc-token` mints for the user named by `x-test-user: id:region`; `/broken` has a
   * callback that throws "session store down"; `/unregistered-attribute` mints with an attribute tc-embed lacks. */
  hostUrl: string;
  live: LiveServer;
  /** What the handlers' onError received, in order. */
  reported: unknown[];
}

/** What every server-side token handler must do, whatever framework it plugs into. */
export function tokenHandlerScenarios(host: () => HostUnderTest): void {
  it('answers a token for the signed-in user, never cacheable, that opens their session', async () => {
    const { hostUrl, live } = host();
    const response = await fetch(`${hostUrl}/api/tc-token`, { method: 'POST', headers: { 'x-test-user': 'alice:EMEA' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(response.headers.get('content-type')!, /^application\/json/);
    const body = (await response.json()) as { token: string; expiresIn: string; expiresAt: string };
    assert.equal(body.expiresIn, '1h');
    assert.ok(Math.abs(Date.parse(body.expiresAt) - Date.now() - 3_600_000) < 5_000);

    const session = await live.ctx.inject({
      method: 'POST',
      url: '/embed/session',
      headers: { authorization: `Bearer ${body.token}`, origin: TEST_ORIGIN },
    });
    assert.equal(session.statusCode, 200);
    assert.equal(session.json().user.distinctId, 'alice');
    const introspection = await live.ctx.services.tokens.introspect(body.token);
    assert.deepEqual(introspection.claims!.attributes, { region: 'EMEA' });
  });

  it('401 unauthenticated when the callback finds no signed-in user', async () => {
    const response = await fetch(`${host().hostUrl}/api/tc-token`, { method: 'POST' });
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await response.json(), {
      error: { code: 'unauthenticated', message: 'Sign in first: embedded analytics need a signed-in user.' },
    });
  });

  it('500 internal_error when the callback throws, reported to onError without leaking it', async () => {
    const { hostUrl, reported } = host();
    reported.length = 0;
    const response = await fetch(`${hostUrl}/broken`, { method: 'POST' });
    assert.equal(response.status, 500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'internal_error');
    assert.doesNotMatch(body.error.message, /session store/);
    assert.equal((reported[0] as Error).message, 'session store down');
  });

  it("502 with tc-embed's code and message when tc-embed refuses the request", async () => {
    const { hostUrl, reported } = host();
    reported.length = 0;
    const response = await fetch(`${hostUrl}/unregistered-attribute`, { method: 'POST' });
    assert.equal(response.status, 502);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'invalid_request');
    assert.match(body.error.message, /user\.attributes\.department/);
    assert.equal((reported[0] as TcEmbedError).code, 'invalid_request');
  });
}
