/** Opens the database, brings it to the latest migration, decorates `app.db`, closes it on shutdown, and logs slow queries. */
import { AsyncLocalStorage } from 'node:async_hooks';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { openConfiguredDatabase, type DatabaseSettings } from '../db/connection.js';
import { migrateToLatest } from '../db/migrator.js';
import type { Database } from '../db/schema.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>;
  }
}

export default fp<{ settings: DatabaseSettings; slowQueryMs: number }>(
  async (app, options) => {
    // Which request a query runs for, so a slow-query warning names it (reqId, as its other log lines).
    // A commit shared by several survey saves (group commit) is logged under the request that started it.
    const currentRequest = new AsyncLocalStorage<string>();
    app.addHook('onRequest', (request, _reply, done) => {
      currentRequest.run(request.id, done);
    });
    const { db, close } = await openConfiguredDatabase(options.settings, {
      log: (event) => {
        if (event.level === 'query' && event.queryDurationMillis >= options.slowQueryMs) {
          app.log.warn(
            { reqId: currentRequest.getStore(), durationMs: Math.round(event.queryDurationMillis * 10) / 10, sql: event.query.sql },
            'slow query',
          );
        }
      },
    });
    let applied: string[];
    try {
      applied = await migrateToLatest(db);
    } catch (error) {
      await close();
      throw error;
    }
    if (applied.length > 0) app.log.info({ migrations: applied }, 'database migrated');
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await close();
    });
  },
  { name: 'database' },
);
