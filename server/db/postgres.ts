/** Opens ICMap's database on a PostgreSQL server: a pool of `pg` connections behind Kysely's Postgres dialect. */
import { Kysely, PostgresDialect, sql, type LogConfig } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { DatabaseHandle } from './connection.js';
import type { Database } from './schema.js';

export interface PostgresOptions {
  url: string;
  poolSize: number;
  /** A schema of ICMap's own inside the database, created if missing; undefined: the server's default search path. */
  schema?: string | undefined;
  /** How long a query waits for a row or table lock, and a request for a free connection, before it fails (answered 503). */
  busyTimeoutMs: number;
  log?: LogConfig | undefined;
  /** Reported to the server (pg_stat_activity), so an operator can tell ICMap's connections apart. */
  applicationName?: string | undefined;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * count(*) and sum() answer bigint or numeric, which `pg` hands over as strings (they may not fit a
 * JavaScript number). ICMap's counts and sums do fit, and the application expects numbers, as SQLite gives.
 */
const toNumber = (value: string): number => Number(value);
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID || oid === NUMERIC_OID
      ? toNumber
      : (pg.types.getTypeParser as (oid: number, format: 'text' | 'binary') => unknown)(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export async function openPostgres(options: PostgresOptions): Promise<DatabaseHandle> {
  const waitMs = Math.max(1, options.busyTimeoutMs);
  const settings = [`-c lock_timeout=${waitMs}`];
  // The name was checked against a strict pattern (config.ts): safe to place in the startup options.
  if (options.schema !== undefined) settings.push(`-c search_path=${options.schema}`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: Math.max(100, options.busyTimeoutMs),
    application_name: options.applicationName ?? 'icmap',
    options: settings.join(' '),
    types,
  });
  // A pooled connection the server closes while idle (a restart, a fail-over) is dropped from the
  // pool and replaced on next use; without a listener the error would end the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool, cursor: Cursor }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  if (options.schema !== undefined) {
    try {
      await sql`create schema if not exists ${sql.id(options.schema)}`.execute(db);
    } catch (error) {
      // Another process created it at the same moment: it exists, which is all that matters.
      if ((error as { code?: string }).code !== '23505') {
        await db.destroy();
        throw error;
      }
    }
  }
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
