import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startServerProcess } from './helpers/server-process.ts';

const DEMO_ORIGIN = 'http://localhost:3000';
const STREAMS = 5;

/** Reads an NDJSON body to its end; resolves with the parsed lines (a cut-off stream leaves an unparsable tail). */
async function readLines(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('SIGTERM to a real server process', () => {
  it('finishes the dashboards streaming when the signal arrives, then exits 0', async (t) => {
    const server = await startServerProcess({ TC_ADMIN_PASSWORD: 'graceful-shutdown-password' }, 90_000);
    try {
      const apiKey = readFileSync(join(server.dataDir, 'demo-api-key'), 'utf8').trim();
      const minted = await fetch(`${server.url}/embed/generate-token`, {
        method: 'POST',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { distinctId: 'user-123', role: 'explorer', attributes: {} } }),
      });
      assert.equal(minted.status, 200);
      const { token } = (await minted.json()) as { token: string };
      const stream = () =>
        fetch(`${server.url}/embed/dashboards/sales`, { headers: { authorization: `Bearer ${token}`, origin: DEMO_ORIGIN, accept: 'application/x-ndjson' } });

      // Several streams at once: the embedded store runs one query at a time, so their tiles are still being
      // computed when the first stream's headers arrive and the signal is sent.
      const responses = Array.from({ length: STREAMS }, stream);
      const first = await Promise.race(responses);
      assert.equal(first.status, 200);
      const exited = once(server.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      const signalledAt = Date.now();
      server.child.kill('SIGTERM');

      for (const pending of responses) {
        const response = await pending;
        assert.equal(response.status, 200);
        const lines = await readLines(response);
        const outline = lines[0] as { tiles: { id: string }[] };
        assert.deepEqual(lines.at(-1), { done: true }, 'the stream ran to its end');
        const tiles = lines.slice(1, -1).map((line) => (line.tile as { id: string }).id);
        assert.deepEqual(tiles.sort(), outline.tiles.map((tile) => tile.id).sort(), 'every tile arrived');
      }
      const [code, signal] = await exited;
      t.diagnostic(`exited ${Date.now() - signalledAt} ms after SIGTERM`);
      assert.equal(signal, null);
      assert.equal(code, 0, server.output());
      assert.match(server.output(), /shutting down: finishing in-flight requests/);
      await assert.rejects(fetch(`${server.url}/healthz`), 'nothing listens after the exit');
    } finally {
      await server.stop();
    }
  });
});
