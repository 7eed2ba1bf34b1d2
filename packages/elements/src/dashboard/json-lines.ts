import { readTextChunks } from '../internal/text-chunks.js';

/**
 * Reads `application/x-ndjson` from a fetch() body: one JSON value per line, yielded as each line arrives (the
 * dashboard's tiles come this way, each as soon as its query completes).
 */
export async function* readJsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  let buffer = '';
  for await (const text of readTextChunks(body)) {
    buffer += text;
    let end: number;
    while ((end = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, end).trim();
      buffer = buffer.slice(end + 1);
      if (line) yield JSON.parse(line);
    }
  }
  if (buffer.trim()) yield JSON.parse(buffer);
}
