/** Opens ICMap's database on a PostgreSQL server: a pool of `pg` connections behind Kysely's Postgres dialect. */
import { Kysely, PostgresDialect, sql, type DatabaseIntrospector, type LogConfig, type SchemaMetadata, type TableMetadata } from 'kysely';
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

/**
 * Kysely's Postgres introspector reads every schema's tables and columns (pg_get_serial_sequence on
 * each), so a migration running at the same moment in another schema of the same database (another
 * install, or another test app) could fail this one's with "column … does not exist". ICMap only ever
 * asks about its own schema (the migrator: does kysely_migration exist yet?), so it looks there only.
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(this.db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ schema: string; table: string; type: string; column: string | null; data_type: string | null; nullable: string | null; default_value: string | null; identity: string | null }>`
      select t.table_schema as schema, t.table_name as table, t.table_type as type, c.column_name as column, c.udt_name as data_type,
        c.is_nullable as nullable, c.column_default as default_value, c.is_identity as identity
      from information_schema.tables t
      left join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name
      where t.table_schema = current_schema()
      order by t.table_name, c.ordinal_position`.execute(this.db);
    const tables = new Map<string, TableMetadata>();
    for (const row of rows) {
      let table = tables.get(row.table);
      if (table === undefined) {
        table = { name: row.table, schema: row.schema, isView: row.type === 'VIEW', isForeign: row.type === 'FOREIGN', columns: [] };
        tables.set(row.table, table);
      }
      if (row.column === null) continue;
      table.columns.push({
        name: row.column,
        dataType: row.data_type ?? '',
        isNullable: row.nullable === 'YES',
        hasDefaultValue: row.default_value !== null || row.identity === 'YES',
        isAutoIncrementing: row.identity === 'YES' || (row.default_value ?? '').startsWith('nextval('),
      });
    }
    return [...tables.values()];
  }
}

/** Kysely's Postgres dialect, introspecting ICMap's own schema only (see CurrentSchemaIntrospector). */
export class IcmapPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

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
    dialect: new IcmapPostgresDialect({ pool, cursor: Cursor }),
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
