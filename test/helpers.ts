/**
 * Shared test set-up: an app on a fresh database, built exactly as production builds it. The database
 * is in-memory SQLite, or, when TEST_DATABASE_URL names a PostgreSQL server, a fresh schema of its own
 * there for every test app (so test files run in parallel); test/postgres-setup.ts removes them after.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.js';
import { loadConfig, type Config } from '../server/config.js';
import { openConfiguredDatabase, type DatabaseHandle } from '../server/db/connection.js';
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

/** Load shedding off: a test machine under load must not turn a test's request into a 503 (test/ops/operations.test.ts turns it on). */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ ...databaseEnvironment(), LOG_LEVEL: 'silent', MAX_EVENT_LOOP_DELAY_MS: '0' }, { isTerminal: false }),
    ...overrides,
  };
}

export async function buildTestApp(overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(overrides));
  await app.ready();
  return app;
}

/** A fresh, empty database (not migrated) for repository and migration tests, on whichever database this run tests. */
export async function openTestDatabase(): Promise<DatabaseHandle> {
  return openConfiguredDatabase(testConfig());
}

/** A fresh database brought to the latest migration. */
export async function openMigratedTestDatabase(): Promise<DatabaseHandle> {
  const handle = await openTestDatabase();
  await migrateToLatest(handle.db);
  return handle;
}
