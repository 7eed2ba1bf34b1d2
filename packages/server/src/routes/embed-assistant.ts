import type { FastifyInstance } from 'fastify';
import { viewerError } from '../assistant/service.ts';
import { TcError } from '../errors.ts';
import { authorizeEmbedRequest } from '../http/embed-auth.ts';
import { ServerSentEventStream } from '../http/server-sent-events.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import type { Services } from '../services.ts';
import type { EmbedTokenClaims } from '../tokens/claims.ts';

const ASSISTANT_PERMISSION = 'assistant';

function requireAssistantPermission(claims: EmbedTokenClaims): void {
  if (!Array.isArray(claims.permissions) || !claims.permissions.includes(ASSISTANT_PERMISSION)) {
    throw new TcError('forbidden', `This token lacks the "${ASSISTANT_PERMISSION}" permission needed to use the AI assistant.`);
  }
}

const MESSAGES_DOCS: RouteDocs = {
  tag: 'Embed API',
  operationId: 'askAssistant',
  summary: 'Ask the AI assistant a question (answer streamed as Server-Sent Events)',
  description:
    'The question becomes a dataset query (never SQL), which runs with the row-level security of the token: no ' +
    'wording of the question changes which rows are visible. The answer streams as `text/event-stream`: ' +
    '`event: delta` `{"text"}` (repeated), then `event: result` `{conversationId, query, explanation, columns, rows, ' +
    'rowCount, truncated, chart, engine}` when data was read, then `event: done` `{conversationId}`; a failure after ' +
    'the stream started is `event: error` `{code, message}`. Requests refused before streaming answer in JSON. ' +
    'Pass the `conversationId` of an earlier answer to ask a follow-up ("and by country?"); conversations belong to ' +
    "the token's user and organization and expire after the retention period. Needs the `assistant` permission.",
  security: ['embedToken'],
  body: {
    required: true,
    schema: {
      type: 'object',
      required: ['message'],
      properties: {
        message: { type: 'string', minLength: 1, maxLength: 4000, description: 'The question, in plain language.' },
        conversationId: { type: 'string', description: 'The conversation of an earlier answer, for a follow-up question.' },
      },
    },
    example: { message: 'Top 5 products by revenue in 2025' },
  },
  responses: {
    200: {
      description: 'The answer, streamed: `delta` events, then `result` (when data was read), then `done`; or `error`.',
      contentType: 'text/event-stream',
      schema: { type: 'string' },
      example:
        'event: delta\ndata: {"text":"Revenue by product:\\n"}\n\nevent: result\ndata: {"conversationId":"conv_…","query":{…},"rows":[…],"chart":{"type":"bar",…}}\n\nevent: done\ndata: {"conversationId":"conv_…"}\n\n',
    },
  },
  errors: ['invalid_request', 'forbidden', 'not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited'],
};

const SUGGESTIONS_DOCS: RouteDocs = {
  tag: 'Embed API',
  operationId: 'listAssistantSuggestions',
  summary: 'Questions to suggest in the AI assistant',
  description: "Written from the organization's table metadata (labels, never values), so they reveal nothing the token's rules hide.",
  security: ['embedToken'],
  responses: {
    200: {
      description: 'Suggested questions.',
      schema: { type: 'object', required: ['suggestions'], properties: { suggestions: { type: 'array', items: { type: 'string' } } } },
      example: { suggestions: ['Total revenue by region', 'Revenue per month', 'Top 5 countries by revenue'] },
    },
  },
  errors: ['forbidden'],
};

/** POST /embed/assistant/messages and GET /embed/assistant/suggestions (contract §4). */
export async function embedAssistantRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  // Expired conversations go at start and hourly, not only when someone starts a new one.
  const conversations = services.assistant.conversations;
  app.addHook('onReady', async () => {
    conversations.startPurging((error) => app.log.warn({ err: error }, 'purging expired assistant conversations failed; retrying within the hour'));
  });
  app.addHook('onClose', async () => conversations.stopPurging());
  app.post('/embed/assistant/messages', { config: { openapi: MESSAGES_DOCS } }, async (request, reply) => {
    const { claims } = await authorizeEmbedRequest(services, request, reply);
    requireAssistantPermission(claims);
    // Everything that can be refused is refused here, as JSON, before the stream starts.
    const turn = await services.assistant.startTurn({ orgId: claims.org, distinctId: claims.sub, attributes: claims.attributes }, request.body);

    const stream = ServerSentEventStream.open(reply);
    stream.comment('answering');
    try {
      await turn.answer(
        {
          delta: (text) => stream.send('delta', { text }),
          result: (result) => stream.send('result', result),
        },
        stream.signal,
        request.log,
      );
      stream.send('done', { conversationId: turn.conversationId });
    } catch (error) {
      request.log.error({ err: error, org: claims.org }, 'the assistant could not answer');
      stream.send('error', viewerError(error));
    } finally {
      stream.end();
    }
  });

  app.get('/embed/assistant/suggestions', { config: { openapi: SUGGESTIONS_DOCS } }, async (request, reply) => {
    const { claims } = await authorizeEmbedRequest(services, request, reply);
    requireAssistantPermission(claims);
    void reply.header('cache-control', 'no-store');
    return { suggestions: await services.assistant.suggestions(claims.org) };
  });
}
