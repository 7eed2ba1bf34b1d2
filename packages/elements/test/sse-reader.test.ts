import { expect } from '@open-wc/testing';
import { readServerSentEvents, type ServerSentEvent } from '../src/assistant/sse-reader.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(chunks: string[]): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(streamOf(chunks))) events.push(event);
  return events;
}

describe('readServerSentEvents', () => {
  it('parses events split across chunks at any byte', async () => {
    const text = 'event: delta\ndata: {"text":"Hel"}\n\n: keep-alive\n\nevent: delta\ndata: {"text":"lo"}\n\nevent: done\ndata: {}\n\n';
    const chunks = text.match(/.{1,7}/gs)!;
    expect(await collect(chunks)).to.deep.equal([
      { event: 'delta', data: '{"text":"Hel"}' },
      { event: 'delta', data: '{"text":"lo"}' },
      { event: 'done', data: '{}' },
    ]);
  });

  it('joins multi-line data, accepts CRLF, defaults the event name, and keeps a last event without a blank line', async () => {
    expect(await collect(['data: one\r\ndata: two\r\n\r\n', 'event: delta\ndata:x'])).to.deep.equal([
      { event: 'message', data: 'one\ntwo' },
      { event: 'delta', data: 'x' },
    ]);
  });
});
