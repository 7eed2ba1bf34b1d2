import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestContext, type TestContext } from '../../../server/test/helpers/test-app.ts';

export { TEST_ORIGIN } from '../../../server/test/helpers/test-app.ts';

/** A real tc-embed app (fresh store, org "acme" with an API key and attributes) listening on a loopback port. */
export interface LiveServer {
  ctx: TestContext;
  url: string;
  close(): Promise<void>;
}

export async function startLiveServer(config: Parameters<typeof createTestContext>[0] = {}): Promise<LiveServer> {
  const ctx = await createTestContext(config);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  return { ctx, url: `http://127.0.0.1:${port}`, close: () => ctx.close() };
}

/** What the scripted server does with one request. */
export type Step =
  | 'forward'
  | 'reset'
  | 'hang'
  | { status: number; headers?: Record<string, string>; body?: string };

export interface ScriptedServer {
  url: string;
  /** Every request that reached it, in order, with the time it arrived. */
  requests: { method: string; url: string; headers: IncomingMessage['headers']; at: number }[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server that plays `steps` in order (the last one repeats): answer a canned response, reset the
 * connection, never answer, or forward to `target` (a real tc-embed). Stands in for a flaky network or proxy.
 */
export async function startScriptedServer(steps: Step[], target?: string): Promise<ScriptedServer> {
  const requests: ScriptedServer['requests'] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const step = steps[Math.min(requests.length, steps.length - 1)]!;
    requests.push({ method: request.method!, url: request.url!, headers: request.headers, at: Date.now() });
    if (step === 'reset') {
      request.socket.destroy();
    } else if (step === 'hang') {
      hanging.add(response);
    } else if (step === 'forward') {
      if (!target) throw new Error('forward needs a target');
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
      ) as Record<string, string>;
      const upstream = await fetch(`${target}${request.url}`, { method: request.method!, headers, body: body.length ? new Uint8Array(body) : undefined });
      const answerHeaders = [...upstream.headers].filter(([name]) => !['connection', 'keep-alive', 'transfer-encoding'].includes(name));
      response.writeHead(upstream.status, Object.fromEntries(answerHeaders));
      response.end(Buffer.from(await upstream.arrayBuffer()));
    } else {
      response.writeHead(step.status, step.headers ?? {});
      response.end(step.body ?? '');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const response of hanging) response.socket?.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
