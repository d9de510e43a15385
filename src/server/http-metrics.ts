import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { createMetricSet } from '../telemetry/metric-set.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Options of the metrics `serve` exports. */
export interface ServerMetricsOptions {
  registry: Registry;
  /** Path of the Prometheus page on the server's own port; absent: not served there (another port serves it). */
  path?: string;
  /** Reads the state gauges before a scrape (at most every `minRefreshMs`); default none. */
  refresh?: () => Promise<void>;
  /** Least time between two refreshes (a scrape storm costs one query); default 5000. */
  minRefreshMs?: number;
}

/**
 * Counts every request by method, route pattern (never the URL: ids and query values stay out
 * of label values) and status, with its latency; serves the page at `path` when given.
 */
export function recordHttpMetrics(app: FastifyInstance, options: ServerMetricsOptions): void {
  const m = createMetricSet(options.registry, ['httpRequests', 'httpDuration']);
  app.addHook('onResponse', (request, reply, done) => {
    const method = METHODS.has(request.method) ? request.method : 'OTHER';
    const route = request.routeOptions.url ?? 'unmatched';
    m.httpRequests.inc({ method, route, status: String(reply.statusCode) });
    m.httpDuration.observe({ method, route }, reply.elapsedTime / 1_000);
    done();
  });
}

/** What a scrape answers: the registry's text, the state gauges refreshed first (one refresh at a time, at most every `minRefreshMs`). */
export function metricsPage(options: ServerMetricsOptions): () => Promise<string> {
  let last = 0;
  let inFlight: Promise<void> | undefined;
  const minGap = options.minRefreshMs ?? 5_000;
  return async () => {
    if (options.refresh && Date.now() - last >= minGap) {
      inFlight ??= options.refresh().finally(() => {
        last = Date.now();
        inFlight = undefined;
      });
      await inFlight;
    }
    return options.registry.metrics();
  };
}
