/** Runs the static migration list to the latest version and throws if any step fails. */
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrations } from '../../migrations/index.js';

export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  // Numbers are handed out ahead of time and branches land in any order, so a database that already
  // has 0009 must still accept a 0007 that landed after it (each migration touches its own tables).
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    const name = failed?.migrationName ?? 'unknown migration';
    throw new Error(`Database migration failed at ${name}`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
