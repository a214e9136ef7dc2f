/**
 * Shared test set-up: an app on a fresh database, built exactly as production builds it. The database
 * is in-memory SQLite, or, when TEST_DATABASE_URL names a PostgreSQL server, a fresh schema of its own
 * there for every test app (so test files run in parallel); test/postgres-setup.ts removes them after.
 *
 * On SQLite the migrations run once per test worker, into a database whose bytes (an image) every test
 * app then opens a copy of: the app's own migrator still runs and finds nothing left to do. On
 * PostgreSQL every schema is migrated as it is made. test/db/migrations.test.ts migrates empty databases.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.js';
import { loadConfig, type Config } from '../server/config.js';
import { openConfiguredDatabase, openDatabase, type DatabaseHandle } from '../server/db/connection.js';
import { migrateToLatest } from '../server/db/migrator.js';

const postgresUrl = process.env.TEST_DATABASE_URL === '' ? undefined : process.env.TEST_DATABASE_URL;

/** True when this run tests against PostgreSQL (TEST_DATABASE_URL). */
export const onPostgres = postgresUrl !== undefined;

/** Why a test of something only SQLite has does not run on PostgreSQL (`it.skipIf(onPostgres)` plus this, in the test's name or a comment). */
export const SQLITE_ONLY = 'SQLite only';

let schemasMade = 0;

/** A schema name no other test app, file or run uses (the run's prefix comes from test/postgres-setup.ts). */
function freshSchema(): string {
  const prefix = process.env.ICMAP_TEST_SCHEMA_PREFIX ?? 'icmap_test';
  schemasMade += 1;
  return `${prefix}_${process.pid}_${schemasMade}`;
}

/** The environment that opens a fresh test database: in-memory SQLite, or a new schema on TEST_DATABASE_URL. */
function databaseEnvironment(): Record<string, string> {
  if (postgresUrl === undefined) return { DATABASE_PATH: ':memory:' };
  // Enough connections per app for a test's burst of simultaneous requests (ten sign-ins at once
  // each hold one while they take turns); pg opens them only when needed and closes idle ones.
  return { DATABASE_PATH: ':memory:', DATABASE_URL: postgresUrl, DATABASE_SCHEMA: freshSchema(), DATABASE_POOL_SIZE: '12' };
}

/** SQLite: an in-memory database brought to the latest migration, as the bytes of a database file. */
async function migratedImage(): Promise<Buffer> {
  const handle = openDatabase(':memory:');
  try {
    await migrateToLatest(handle.db);
    return handle.serialize!();
  } finally {
    await handle.close();
  }
}

/** Built once per test worker (modules are shared between the files a worker runs). */
const migrated: Buffer | undefined = onPostgres ? undefined : await migratedImage();

/** True when a configuration opens an in-memory SQLite database, which can start from an image. */
export function inMemorySqlite(config: Config): boolean {
  return config.databaseUrl === undefined && config.databasePath === ':memory:';
}

/**
 * Load shedding off: a test machine under load must not turn a test's request into a 503 (test/ops/operations.test.ts turns it on).
 * An in-memory SQLite database starts migrated, as a copy of the worker's migrated image (unless `overrides` give another image).
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const config = {
    ...loadConfig({ ...databaseEnvironment(), LOG_LEVEL: 'silent', MAX_EVENT_LOOP_DELAY_MS: '0' }, { isTerminal: false }),
    ...overrides,
  };
  if (config.databaseImage === undefined && inMemorySqlite(config)) config.databaseImage = migrated;
  return config;
}

export async function buildTestApp(overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(overrides));
  await app.ready();
  return app;
}

/** A fresh, empty database (not migrated) for repository and migration tests, on whichever database this run tests. */
export async function openTestDatabase(): Promise<DatabaseHandle> {
  return openConfiguredDatabase({ ...testConfig(), databaseImage: undefined });
}

/** A fresh database brought to the latest migration (on SQLite, a copy of the migrated image: the migrator finds nothing to do). */
export async function openMigratedTestDatabase(): Promise<DatabaseHandle> {
  const handle = await openConfiguredDatabase(testConfig());
  await migrateToLatest(handle.db);
  return handle;
}
