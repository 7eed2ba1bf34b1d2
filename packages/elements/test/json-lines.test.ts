import { expect } from '@open-wc/testing';
import { readJsonLines } from '../src/dashboard/json-lines.js';

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function collect(chunks: Uint8Array[]): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const value of readJsonLines(streamOf(chunks))) values.push(value);
  return values;
}

describe('readJsonLines', () => {
  const text = '{"dashboard":{"title":"Ventes — été"}}\n\n{"tile":{"id":"a","rows":[{"v":1}]}}\r\n{"done":true}\n';
  const expected = [{ dashboard: { title: 'Ventes — été' } }, { tile: { id: 'a', rows: [{ v: 1 }] } }, { done: true }];

  it('yields each line as one value, whatever the chunk boundaries (inside a line, a character or a CRLF)', async () => {
    const bytes = new TextEncoder().encode(text);
    for (const size of [1, 2, 3, 7, 64, bytes.length]) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.slice(at, at + size));
      expect(await collect(chunks), `chunks of ${size} bytes`).to.deep.equal(expected);
    }
  });

  it('reads a last line without its newline', async () => {
    expect(await collect([new TextEncoder().encode('{"a":1}\n{"b":2}')])).to.deep.equal([{ a: 1 }, { b: 2 }]);
  });

  it('fails on a line that is not JSON', async () => {
    let failure: unknown;
    try {
      await collect([new TextEncoder().encode('{"a":1}\n<html>\n')]);
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(SyntaxError);
  });
});
