/**
 * Prometheus metrics (prom-client) at GET /metrics: request timings by route, event-loop lag and the
 * other Node.js defaults, database-busy answers, shed requests and group-commit batch sizes. Off
 * unless METRICS_TOKEN is set; then only for a scraper that sends it as a bearer token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { observeGroupCommits } from '../db/group-commit.js';

/** What the rest of the app reports; does nothing when metrics are off. */
export interface AppMetrics {
  /** A request answered 503 because another connection held the database past the busy timeout. */
  databaseBusy(): void;
  /** A request refused with 503 because the event loop was saturated. */
  loadShed(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AppMetrics;
  }
}

/** A SHA-256 of each side makes the comparison constant-time whatever the lengths. */
function sameToken(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export default fp<{ token: string | undefined }>(
  async (app, options) => {
    const { token } = options;
    if (token === undefined) {
      app.decorate('metrics', { databaseBusy: () => undefined, loadShed: () => undefined });
      return;
    }

    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const requestDuration = new Histogram({
      name: 'icmap_http_request_duration_seconds',
      help: 'Time to answer a request, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const databaseBusy = new Counter({
      name: 'icmap_database_busy_total',
      help: 'Requests answered 503 because another connection held the database past DATABASE_BUSY_TIMEOUT_MS.',
      registers: [registry],
    });
    const loadShed = new Counter({
      name: 'icmap_load_shed_total',
      help: 'Requests answered 503 because the event loop was saturated (MAX_EVENT_LOOP_DELAY_MS, MAX_EVENT_LOOP_UTILIZATION).',
      registers: [registry],
    });
    const batchSize = new Histogram({
      name: 'icmap_group_commit_batch_size',
      help: 'Survey saves and submits sharing one commit (one flush to disk).',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    });

    app.decorate('metrics', {
      databaseBusy: () => {
        databaseBusy.inc();
      },
      loadShed: () => {
        loadShed.inc();
      },
    });
    const stopObserving = observeGroupCommits(app.db, (size) => {
      batchSize.observe(size);
    });
    app.addHook('onResponse', (request, reply, done) => {
      // The route's pattern, never the raw URL: one series per page, not one per person or id.
      const route = request.routeOptions.url ?? 'no route';
      requestDuration.observe({ method: request.method, route, status_code: reply.statusCode }, reply.elapsedTime / 1000);
      done();
    });
    app.addHook('onClose', async () => {
      stopObserving();
      registry.clear();
    });

    // Answered even when ICMap sheds load: that is when the numbers matter most.
    app.get('/metrics', { config: { pressureHandler: () => undefined } }, async (request, reply) => {
      const header = request.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
      if (!sameToken(given, token)) {
        return reply.code(401).header('www-authenticate', 'Bearer realm="icmap-metrics"').send({ error: 'Unauthorized', message: 'Send the METRICS_TOKEN as a bearer token.' });
      }
      return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(await registry.metrics());
    });
  },
  { name: 'metrics', dependencies: ['database'] },
);
