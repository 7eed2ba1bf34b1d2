import underPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoadSheddingThresholds } from '../config.ts';
import { TcError } from '../errors.ts';
import type { Metrics } from '../metrics/metrics.ts';

export const SHED_RETRY_AFTER_SECONDS = 5;
// How often memory and event-loop figures are sampled; a shed decision uses the latest sample.
const SAMPLE_INTERVAL_MS = 500;

type PressureHandler = (request: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined) => unknown;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** @fastify/under-pressure's per-route override: returning nothing lets the request through. */
    pressureHandler?: PressureHandler;
  }
}

/**
 * Route config for what must answer even under pressure: liveness (a busy instance is not a dead one) and
 * metrics (overload is when they matter most). /readyz is shed, which is how a load balancer learns to route
 * around a saturated instance.
 */
export const LOAD_SHEDDING_EXEMPT = { pressureHandler: () => undefined };

/**
 * Past any configured threshold (event-loop delay or utilization, heap, RSS), requests are refused at once with
 * 503 service_unavailable and Retry-After instead of queueing until they time out. Off when every threshold is 0.
 */
export async function registerLoadShedding(app: FastifyInstance, thresholds: LoadSheddingThresholds, metrics: Metrics): Promise<void> {
  const { maxEventLoopDelayMs, maxEventLoopUtilization, maxHeapUsedBytes, maxRssBytes } = thresholds;
  if (!maxEventLoopDelayMs && !maxEventLoopUtilization && !maxHeapUsedBytes && !maxRssBytes) return;

  const shed: PressureHandler = (_request, reply, type) => {
    metrics.recordShed(type);
    void reply.status(503).header('retry-after', String(SHED_RETRY_AFTER_SECONDS));
    // A returned value is sent as the response (documented in the plugin's README; its types say void).
    return new TcError('service_unavailable', `The tc-embed server is overloaded; retry in ${SHED_RETRY_AFTER_SECONDS} seconds.`).toJSON();
  };
  await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    maxEventLoopUtilization,
    eventLoopUtilizationMode: 'interval',
    maxHeapUsedBytes,
    maxRssBytes,
    sampleInterval: SAMPLE_INTERVAL_MS,
    retryAfter: SHED_RETRY_AFTER_SECONDS,
    pressureHandler: shed as FastifyUnderPressureOptions['pressureHandler'],
  });
}
