/** buildApp(config): registers every plugin and route; it never listens (server.ts does, tests inject). */
import { randomUUID } from 'node:crypto';
import compress from '@fastify/compress';
import formbody from '@fastify/formbody';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config, TrustProxy } from './config.js';
import { OverloadedError } from './errors.js';
import { prettyTransport } from './logging.js';
import { MapCatalog } from './maps/catalog.js';
import { loadMapsFromDirectory } from './maps/loader.js';
import authPlugin from './plugins/auth.js';
import databasePlugin from './plugins/database.js';
import errorsPlugin, { sendBadRequest } from './plugins/errors.js';
import metricsPlugin from './plugins/metrics.js';
import securityPlugin from './plugins/security.js';
import viewsPlugin from './plugins/views.js';
import actionPlanRoutes, { actionExportRoutes } from './routes/action-plans.js';
import assistanceRoutes from './routes/assistance-requests.js';
import auditRoutes from './routes/audit.js';
import authRoutes from './routes/auth.js';
import checkRoutes from './routes/checks.js';
import consensusRoutes from './routes/consensus.js';
import healthRoutes from './routes/health.js';
import historyRoutes from './routes/history.js';
import homeRoutes from './routes/home.js';
import importRoutes from './routes/import.js';
import invitationRoutes from './routes/invitations.js';
import mapRoutes from './routes/maps.js';
import networkRoutes from './routes/network.js';
import peopleRoutes from './routes/people.js';
import reportRoutes, { exportRoutes } from './routes/reports.js';
import selfAssessmentRoutes from './routes/self-assessment.js';

declare module 'fastify' {
  interface FastifyInstance {
    maps: MapCatalog;
    config: Config;
  }
}

/**
 * Fastify's own hop count trusts no hop at all (it cannot tell a proxy from a direct client), so a
 * count becomes "the nearest N addresses": right when ICMap is reachable only through its proxies
 * (HOST=127.0.0.1 or a firewall), as the README says. A list is checked address by address.
 */
function proxyTrust(trust: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return trust;
  return (_address, hop) => hop < trust;
}

/** One-time links carry their token in the path: logs show where a request went, never the token. */
export function redactUrl(url: string): string {
  return url.replace(/^\/(access|setup)\/[^/?#]+/, '/$1/[redacted]');
}

/** A proxy's request id ICMap will adopt: 1 to 128 letters, digits and . _ : - (a UUID, a hex trace id…), nothing a log line could be forged with. */
const REQUEST_ID_SHAPE = /^[A-Za-z0-9._:-]{1,128}$/;

export interface BuildOptions {
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: { write(line: string): void };
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  // Maps are content: load and validate them before anything else, so a broken file stops start-up.
  const maps = new MapCatalog(loadMapsFromDirectory(config.mapsDir));

  const app = Fastify({
    logger: {
      level: config.logLevel,
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: redactUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket.remotePort,
        }),
      },
      ...(options.logStream !== undefined ? { stream: options.logStream } : prettyTransport(config)),
    },
    // A request (body included) must arrive in time, so a slow sender cannot hold a connection for
    // ever; Node checks the headers and request timeouts every connectionsCheckingInterval.
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: Math.max(250, Math.min(30_000, config.headersTimeoutMs / 2)) },
    frameworkErrors: (error, request, reply) => {
      // A malformed URL (/%c0) never reaches routing: answer with ICMap's own page and headers.
      void sendBadRequest(request, reply, error);
    },
    // Behind a trusted proxy, its X-Request-Id (when it looks like one) ties ICMap's log lines to the proxy's.
    genReqId: (request) => {
      const fromProxy = request.headers['x-request-id'];
      return config.trustProxy !== false && typeof fromProxy === 'string' && REQUEST_ID_SHAPE.test(fromProxy) ? fromProxy : randomUUID();
    },
    trustProxy: proxyTrust(config.trustProxy),
    // The database plugin runs pending migrations before the app answers: on PostgreSQL under load, or
    // on a large install (0011 fills the report summaries), that outlasts Fastify's 10 s default.
    pluginTimeout: 600_000,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('maps', maps);
  app.decorate('config', config);
  for (const notice of config.notices) app.log.warn(notice);

  await app.register(securityPlugin);
  // Pages are mostly rubric text: gzip or brotli makes a role's map about a sixth of its size on a slow school network.
  await app.register(compress, { threshold: 1024 });
  await app.register(formbody);
  await app.register(viewsPlugin, { production: process.env.NODE_ENV === 'production' || process.env.NODE_ENV === 'test' });
  await app.register(errorsPlugin);
  await app.register(databasePlugin, { settings: config, slowQueryMs: config.slowQueryMs });
  await app.register(metricsPlugin, { token: config.metricsToken });
  // Sheds load (503 + Retry-After, through the error handler) while the event loop is saturated; /healthz and /metrics still answer.
  await app.register(underPressure, {
    maxEventLoopDelay: config.loadShedding.maxEventLoopDelayMs,
    maxEventLoopUtilization: config.loadShedding.maxEventLoopUtilization,
    sampleInterval: config.loadShedding.sampleIntervalMs,
    pressureHandler: async (request) => {
      request.server.metrics.loadShed();
      request.log.warn('refused a request: the server is overloaded');
      throw new OverloadedError();
    },
  });
  await app.register(authPlugin);

  await app.register(healthRoutes);
  await app.register(homeRoutes);
  await app.register(mapRoutes, { prefix: '/maps' });
  await app.register(authRoutes);
  await app.register(networkRoutes);
  await app.register(peopleRoutes);
  await app.register(auditRoutes);
  await app.register(importRoutes);
  await app.register(invitationRoutes);
  await app.register(checkRoutes);
  await app.register(selfAssessmentRoutes);
  await app.register(consensusRoutes);
  await app.register(reportRoutes);
  await app.register(exportRoutes);
  await app.register(actionPlanRoutes);
  await app.register(actionExportRoutes);
  await app.register(assistanceRoutes);
  await app.register(historyRoutes);
  return app;
}
