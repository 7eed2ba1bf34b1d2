import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { MIGRATIONS } from '../src/store/migrations/index.ts';
import type { Store } from '../src/store/store.ts';
import { assertContractError } from './helpers/assert-error.ts';
import { testConfig } from './helpers/test-app.ts';
import { openTestStore } from './helpers/test-store.ts';

/** A real store whose queries can be made to fail the way an unreachable database's do. */
function switchableStore(store: Store): { store: Store; reachable(value: boolean): void } {
  let reachable = true;
  const refuse = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  const wrapped: Store = {
    kind: store.kind,
    query: (sql, params) => (reachable ? store.query(sql, params) : Promise.reject(refuse())),
    transaction: (work) => (reachable ? store.transaction(work) : Promise.reject(refuse())),
    exec: (sql) => (reachable ? store.exec(sql) : Promise.reject(refuse())),
    close: () => store.close(),
  };
  return { store: wrapped, reachable: (value) => void (reachable = value) };
}

describe('GET /readyz', () => {
  let app: FastifyInstance;
  let real: Store;
  let control: ReturnType<typeof switchableStore>;
  before(async () => {
    real = await openTestStore();
    control = switchableStore(real);
    app = await buildApp({ config: testConfig(), store: control.store, ownsStore: true });
  });
  after(() => app?.close());

  const readyz = () => app.inject({ method: 'GET', url: '/readyz' });

  function assertNotReady(response: Awaited<ReturnType<typeof readyz>>, mentions: RegExp) {
    assertContractError(response, { status: 503, code: 'service_unavailable', mentions });
    assert.equal(response.headers['retry-after'], '5');
    assert.equal(response.headers['cache-control'], 'no-store');
  }

  it('answers 200 with its body when the store answers and every migration is applied', async () => {
    const response = await readyz();
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { status: 'ready', store: real.kind });
  });

  it('answers 503 service_unavailable with Retry-After, naming the pending migrations, until they are applied', async () => {
    const latest = MIGRATIONS.at(-1)!.id;
    await real.query('delete from schema_migrations where id = $1', [latest]);
    try {
      const response = await readyz();
      assertNotReady(response, new RegExp(`[Mm]igrations are pending \\(${latest}\\)`));
      // Liveness is not readiness: the process still answers.
      assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    } finally {
      await real.query('insert into schema_migrations (id) values ($1)', [latest]);
    }
    assert.equal((await readyz()).statusCode, 200);
  });

  it('answers 503 service_unavailable with Retry-After while the store is unreachable, and 200 once it is back', async () => {
    control.reachable(false);
    try {
      assertNotReady(await readyz(), /store is unreachable/);
    } finally {
      control.reachable(true);
    }
    assert.equal((await readyz()).statusCode, 200);
  });
});
