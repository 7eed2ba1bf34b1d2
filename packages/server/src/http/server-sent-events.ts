import type { FastifyReply } from 'fastify';

/**
 * A Server-Sent Events response (`text/event-stream`) written straight to the socket: Fastify is told to let go
 * of the reply (hijack), so the headers Fastify would have sent — CORS set by embed-auth.ts, nosniff — are
 * copied here. `signal` aborts when the client goes away before the stream ends.
 */
export class ServerSentEventStream {
  private readonly abort = new AbortController();
  readonly signal = this.abort.signal;

  private constructor(private readonly reply: FastifyReply) {
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) this.abort.abort();
    });
  }

  static open(reply: FastifyReply): ServerSentEventStream {
    const headers: Record<string, string | string[]> = {};
    // Headers set on the reply so far (CORS, Vary): a hijacked reply no longer sends them by itself.
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value : String(value);
    }
    Object.assign(headers, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Reverse proxies (nginx) would otherwise buffer the stream until it ends.
      'x-accel-buffering': 'no',
    });
    reply.hijack();
    reply.raw.writeHead(200, headers);
    return new ServerSentEventStream(reply);
  }

  get closed(): boolean {
    return this.signal.aborted || this.reply.raw.writableEnded;
  }

  /** One event; JSON never holds a raw line break, so `data` is a single line. */
  send(event: string, data: unknown): void {
    if (this.closed) return;
    this.reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** A comment line: keeps proxies from timing out an idle stream, ignored by readers. */
  comment(text: string): void {
    if (this.closed) return;
    this.reply.raw.write(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`);
  }

  end(): void {
    if (!this.reply.raw.writableEnded) this.reply.raw.end();
  }
}
