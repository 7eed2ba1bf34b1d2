import type { LightMyRequestResponse } from 'fastify';
import type { DatasetQuery } from '../../src/query/types.ts';
import { TEST_ORIGIN, type TestContext } from './test-app.ts';

export interface StreamEvent {
  event: string;
  data: unknown;
}

export interface AssistantResultEvent {
  conversationId: string;
  query: DatasetQuery;
  explanation: string;
  columns: { key: string; label: string; type: string; role: string; format: string }[];
  rows: Record<string, unknown>[];
  rowCount: number;
  truncated: boolean;
  chart: { type: string; title: string; x?: string; y?: string[] };
  engine: 'embedded' | 'provider';
}

export interface AssistantAnswer {
  response: LightMyRequestResponse;
  events: StreamEvent[];
  /** The deltas joined. */
  text: string;
  result: AssistantResultEvent | undefined;
  done: { conversationId: string } | undefined;
  error: { code: string; message: string } | undefined;
}

/** Parses a text/event-stream body the way a browser's reader would: blocks split by a blank line. */
export function parseEventStream(body: string): StreamEvent[] {
  const events: StreamEvent[] = [];
  for (const block of body.split(/\r?\n\r?\n/)) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')) });
  }
  return events;
}

/** POSTs a question as the element does and reads the whole streamed answer. */
export async function ask(ctx: TestContext, token: string, message: string, conversationId?: string, origin = TEST_ORIGIN): Promise<AssistantAnswer> {
  const response = await ctx.inject({
    method: 'POST',
    url: '/embed/assistant/messages',
    headers: { authorization: `Bearer ${token}`, origin, 'content-type': 'application/json', accept: 'text/event-stream' },
    payload: { message, ...(conversationId ? { conversationId } : {}) },
  });
  const events = response.statusCode === 200 ? parseEventStream(response.body) : [];
  const find = <T>(name: string) => events.find((event) => event.event === name)?.data as T | undefined;
  return {
    response,
    events,
    text: events.filter((event) => event.event === 'delta').map((event) => (event.data as { text: string }).text).join(''),
    result: find<AssistantResultEvent>('result'),
    done: find<{ conversationId: string }>('done'),
    error: find<{ code: string; message: string }>('error'),
  };
}
