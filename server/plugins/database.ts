/** Opens the database, brings it to the latest migration, decorates `app.db`, and closes it on shutdown. */
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrator.js';
import type { Database } from '../db/schema.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>;
  }
}

export default fp<{ databasePath: string; busyTimeoutMs: number }>(
  async (app, options) => {
    const { db, close } = openDatabase(options.databasePath, { busyTimeoutMs: options.busyTimeoutMs });
    const applied = await migrateToLatest(db);
    if (applied.length > 0) app.log.info({ migrations: applied }, 'database migrated');
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await close();
    });
  },
  { name: 'database' },
);
