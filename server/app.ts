/** buildApp(config): registers every plugin and route; it never listens (server.ts does, tests inject). */
import { randomUUID } from 'node:crypto';
import compress from '@fastify/compress';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import { MapCatalog } from './maps/catalog.js';
import { loadMapsFromDirectory } from './maps/loader.js';
import authPlugin from './plugins/auth.js';
import databasePlugin from './plugins/database.js';
import errorsPlugin from './plugins/errors.js';
import securityPlugin from './plugins/security.js';
import viewsPlugin from './plugins/views.js';
import actionPlanRoutes from './routes/action-plans.js';
import assistanceRoutes from './routes/assistance-requests.js';
import auditRoutes from './routes/audit.js';
import authRoutes from './routes/auth.js';
import checkRoutes from './routes/checks.js';
import consensusRoutes from './routes/consensus.js';
import healthRoutes from './routes/health.js';
import historyRoutes from './routes/history.js';
import homeRoutes from './routes/home.js';
import importRoutes from './routes/import.js';
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

export async function buildApp(config: Config): Promise<FastifyInstance> {
  // Maps are content: load and validate them before anything else, so a broken file stops start-up.
  const maps = new MapCatalog(loadMapsFromDirectory(config.mapsDir));

  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(config.prettyLogs ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } } : {}),
    },
    genReqId: () => randomUUID(),
    trustProxy: config.trustProxy,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('maps', maps);
  app.decorate('config', config);

  await app.register(securityPlugin);
  // Pages are mostly rubric text: gzip or brotli makes a role's map about a sixth of its size on a slow school network.
  await app.register(compress, { threshold: 1024 });
  await app.register(formbody);
  await app.register(viewsPlugin, { production: process.env.NODE_ENV === 'production' });
  await app.register(errorsPlugin);
  await app.register(databasePlugin, { databasePath: config.databasePath, busyTimeoutMs: config.databaseBusyTimeoutMs });
  await app.register(authPlugin);

  await app.register(healthRoutes);
  await app.register(homeRoutes);
  await app.register(mapRoutes, { prefix: '/maps' });
  await app.register(authRoutes);
  await app.register(networkRoutes);
  await app.register(peopleRoutes);
  await app.register(auditRoutes);
  await app.register(importRoutes);
  await app.register(checkRoutes);
  await app.register(selfAssessmentRoutes);
  await app.register(consensusRoutes);
  await app.register(reportRoutes);
  await app.register(exportRoutes);
  await app.register(actionPlanRoutes);
  await app.register(assistanceRoutes);
  await app.register(historyRoutes);
  return app;
}
