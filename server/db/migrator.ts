/** Runs the static migration list to the latest version and throws if any step fails. */
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import { migrations } from '../../migrations/index.js';
import { dialectOf } from './dialect.js';

/** A Kysely migrator over `list` (all of ICMap's migrations unless told otherwise). */
export async function migratorFor<T>(db: Kysely<T>, list: Record<string, Migration> = migrations): Promise<Migrator> {
  // On PostgreSQL the migrator's own tables are named with their schema: unqualified, Kysely would
  // take another schema's kysely_migration (another install in the same database) for this one's.
  const schema = dialectOf(db) === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  // Numbers are handed out ahead of time and branches land in any order, so a database that already
  // has 0009 must still accept a 0007 that landed after it (each migration touches its own tables).
  return new Migrator({
    db,
    provider: { getMigrations: async () => list },
    allowUnorderedMigrations: true,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
}

export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  const migrator = await migratorFor(db);
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    const name = failed?.migrationName ?? 'unknown migration';
    throw new Error(`Database migration failed at ${name}`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
