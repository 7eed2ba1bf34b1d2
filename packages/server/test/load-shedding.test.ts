import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LoadSheddingThresholds } from '../src/config.ts';
import { assertContractError } from './helpers/assert-error.ts';
import { sampleValue } from './helpers/prometheus.ts';
import { createTestContext, type TestContext } from './helpers/test-app.ts';

const OFF: LoadSheddingThresholds = { maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0, maxHeapUsedBytes: 0, maxRssBytes: 0 };

async function until(probe: () => Promise<boolean>, limitMs: number): Promise<void> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > limitMs) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function blockEventLoop(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy: nothing else runs on this thread meanwhile
  }
}

describe('load shedding past a memory threshold', () => {
  let ctx: TestContext;
  before(async () => {
    // Any heap is over one byte: the instance is under pressure from its first sample on.
    ctx = await createTestContext({ config: { loadShedding: { ...OFF, maxHeapUsedBytes: 1 } } });
    await until(async () => (await ctx.inject({ method: 'GET', url: '/readyz' })).statusCode === 503, 3000);
  });
  after(() => ctx.close());

  it('answers 503 service_unavailable with Retry-After, at once', async () => {
    const started = Date.now();
    const response = await ctx.inject({
      method: 'POST',
      url: '/embed/generate-token',
      headers: { 'x-api-key': ctx.apiKey, 'content-type': 'application/json' },
      payload: { user: { distinctId: 'u', role: 'explorer', attributes: {} } },
    });
    assert.ok(Date.now() - started < 500, 'a shed request is refused before any work');
    assertContractError(response, { status: 503, code: 'service_unavailable', mentions: /retry in 5 seconds/ });
    assert.equal(response.headers['retry-after'], '5');
  });

  it('sheds readiness (so a load balancer routes around the instance) but not liveness or metrics', async () => {
    assertContractError(await ctx.inject({ method: 'GET', url: '/readyz' }), { status: 503, code: 'service_unavailable' });
    const live = await ctx.inject({ method: 'GET', url: '/healthz' });
    assert.equal(live.statusCode, 200);
    const metrics = await ctx.inject({ method: 'GET', url: '/metrics' });
    assert.equal(metrics.statusCode, 200);
    assert.ok(sampleValue(metrics.body, 'tc_requests_shed_total', { reason: 'heapUsedBytes' })! >= 2);
  });
});

describe('load shedding past an event-loop delay threshold', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ config: { loadShedding: { ...OFF, maxEventLoopDelayMs: 50 } } });
  });
  after(() => ctx.close());

  it('sheds while the event loop lags, then serves again once it recovers', async () => {
    assert.equal((await ctx.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    // The threshold applies to the mean delay of a 500 ms sample (up to ~50 ticks of 10 ms): one 4 s stall
    // keeps that mean above 50 ms wherever in the sample it falls.
    blockEventLoop(4000);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the overdue sample runs first
    const shed = await ctx.inject({ method: 'GET', url: '/readyz' });
    assertContractError(shed, { status: 503, code: 'service_unavailable' });
    assert.equal(shed.headers['retry-after'], '5');
    const metrics = await ctx.inject({ method: 'GET', url: '/metrics' });
    assert.ok(sampleValue(metrics.body, 'tc_requests_shed_total', { reason: 'eventLoopDelay' })! >= 1);
    await until(async () => (await ctx.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, 3000);
  });
});
