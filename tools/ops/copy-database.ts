/**
 * `npm run db:copy`: moves a whole SQLite install into an empty PostgreSQL database. In one
 * PostgreSQL transaction it runs ICMap's migrations on the target, copies every table in
 * foreign-key order (ids kept), sets each id sequence past the largest id, then reads every table
 * back and compares its row count and a checksum with the source's; any difference rolls the whole
 * copy back. The source is only read, inside one read transaction: a consistent snapshot.
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { Kysely, sql, type Transaction } from 'kysely';
import { IcmapPostgresDialect } from '../../server/db/postgres.js';
import pg from 'pg';
import { migrations } from '../../migrations/index.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import { errorMessage, formatNumber, formatSeconds, OpsError, UsageError, type Log } from './sqlite-files.js';

/** Kysely's own bookkeeping tables: the target gets its own when the migrations run there. */
const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'];
/** Bind parameters PostgreSQL accepts in one statement (65,535), with room to spare. */
const MAX_PARAMETERS = 60_000;
const DEFAULT_BATCH_ROWS = 1000;

export interface CopyOptions {
  /** The SQLite database file to copy (only read). */
  source: string;
  /** postgres://… of an empty database. */
  target: string;
  /** A schema of ICMap's own in the target (as DATABASE_SCHEMA), created if missing; default: the server's search path. */
  schema?: string | undefined;
  /** Rows per INSERT (fewer when a table has many columns). */
  batchRows?: number;
  log?: Log;
}

export interface TableCopy {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
  /** The id sequence and the value it was set to, for tables with one. */
  sequence: { name: string; value: number } | undefined;
}

export interface CopySummary {
  tables: TableCopy[];
  rows: number;
  milliseconds: number;
}

interface SourceTable {
  name: string;
  columns: string[];
  /** Primary-key columns in key order. */
  key: string[];
  /** Tables this one's foreign keys point at. */
  parents: string[];
}

/**
 * One value as the checksum sees it: text, the same from either database. Integers come back from
 * SQLite as numbers and from PostgreSQL's bigint as strings; booleans and bytes have one spelling each.
 */
function canonical(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  throw new OpsError(`a value of an unexpected kind (${typeof value}) cannot be checksummed`);
}

/** A sha256 over a table's rows in primary-key order, each row a JSON array of its values as text (null kept apart), one per line. */
class TableChecksum {
  readonly #hash: Hash = createHash('sha256');
  rows = 0;

  add(values: readonly unknown[]): void {
    this.#hash.update(`${JSON.stringify(values.map(canonical))}\n`);
    this.rows += 1;
  }

  digest(): string {
    return this.#hash.digest('hex');
  }
}

const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The target's address without its password, for messages. */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(the target URL)';
  }
}

/** The source's tables (ICMap's, not SQLite's or Kysely's), parents before children. */
function readSourceTables(sqlite: SQLite.Database): SourceTable[] {
  const names = (sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[])
    .map((row) => row.name)
    .filter((name) => !MIGRATION_TABLES.includes(name));
  const tables = names.map((name): SourceTable => {
    const columns = sqlite.prepare(`select name, pk from pragma_table_info(?) order by cid`).all(name) as { name: string; pk: number }[];
    const key = columns.filter((column) => column.pk > 0).sort((a, b) => a.pk - b.pk).map((column) => column.name);
    const parents = (sqlite.prepare('select distinct "table" as parent from pragma_foreign_key_list(?)').all(name) as { parent: string }[])
      .map((row) => row.parent)
      .filter((parent) => parent !== name);
    return { name, columns: columns.map((column) => column.name), key: key.length > 0 ? key : columns.map((column) => column.name), parents };
  });
  const ordered: SourceTable[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((table) => !placed.has(table.name) && table.parents.every((parent) => placed.has(parent) || !names.includes(parent)));
    if (ready.length === 0) throw new OpsError(`the source's foreign keys form a cycle among ${tables.filter((table) => !placed.has(table.name)).map((table) => table.name).join(', ')}`);
    for (const table of ready) {
      ordered.push(table);
      placed.add(table.name);
    }
  }
  return ordered;
}

/** Opens the source read-only and checks it is an ICMap database at this version's schema. */
function openSource(file: string): SQLite.Database {
  if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist`);
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
    sqlite.prepare('select count(*) from sqlite_master').get();
  } catch (error) {
    throw new UsageError(`${file} is not a SQLite database: ${errorMessage(error)}`);
  }
  const hasMigrations = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get() !== undefined;
  if (!hasMigrations) {
    sqlite.close();
    throw new UsageError(`${file} is not an ICMap database (it has no kysely_migration table)`);
  }
  const applied = new Set((sqlite.prepare('select name from kysely_migration').all() as { name: string }[]).map((row) => row.name));
  const known = Object.keys(migrations);
  const missing = known.filter((name) => !applied.has(name));
  const unknown = [...applied].filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    sqlite.close();
    throw new UsageError(`${file} was written by a newer ICMap (migrations ${unknown.join(', ')}): run db:copy from that version`);
  }
  if (missing.length > 0) {
    sqlite.close();
    throw new UsageError(`${file} lacks migrations ${missing.join(', ')}: bring it up to date first (DATABASE_PATH=${file} npm run db:migrate), then copy`);
  }
  return sqlite;
}

interface TargetTable {
  name: string;
  rows: number;
}

/** The target schema's tables that a copy would collide with: ICMap's tables (with their row counts) and Kysely's. */
async function collidingTables(db: Kysely<unknown>, names: readonly string[], schema: string | undefined): Promise<TargetTable[]> {
  const { rows: schemaRows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  if (schemaRows[0]?.schema == null) {
    // A schema of its own that does not exist yet is empty; the server's default must exist.
    if (schema !== undefined) return [];
    throw new UsageError('the target has no schema to create tables in (check its search_path)');
  }
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v', 'm', 'f')`.execute(db);
  const wanted = new Set([...names, ...MIGRATION_TABLES]);
  const found: TargetTable[] = [];
  for (const { name } of rows) {
    if (!wanted.has(name)) continue;
    const { rows: counted } = await sql<{ n: string }>`select count(*) as n from ${sql.id(name)}`.execute(db);
    found.push({ name, rows: Number(counted[0]?.n ?? 0) });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** The target's columns per table after the migrations, with whether each is text (ordered by bytes, as SQLite does). */
async function targetColumns(trx: Transaction<unknown>): Promise<Map<string, Map<string, boolean>>> {
  const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select table_name, column_name, data_type from information_schema.columns where table_schema = current_schema()`.execute(trx);
  const tables = new Map<string, Map<string, boolean>>();
  for (const row of rows) {
    const columns = tables.get(row.table_name) ?? new Map<string, boolean>();
    columns.set(row.column_name, ['text', 'character varying', 'character', 'citext'].includes(row.data_type));
    tables.set(row.table_name, columns);
  }
  return tables;
}

function sameSchema(source: readonly SourceTable[], target: Map<string, Map<string, boolean>>): string[] {
  const problems: string[] = [];
  const sourceNames = new Set(source.map((table) => table.name));
  for (const table of source) {
    const columns = target.get(table.name);
    if (columns === undefined) {
      problems.push(`table ${table.name} is not in the target`);
      continue;
    }
    const missing = table.columns.filter((column) => !columns.has(column));
    const extra = [...columns.keys()].filter((column) => !table.columns.includes(column));
    if (missing.length > 0) problems.push(`${table.name}: the target lacks ${missing.join(', ')}`);
    if (extra.length > 0) problems.push(`${table.name}: the source lacks ${extra.join(', ')}`);
  }
  for (const name of target.keys()) {
    if (!sourceNames.has(name) && !MIGRATION_TABLES.includes(name)) problems.push(`table ${name} is not in the source`);
  }
  return problems;
}

async function insertBatch(trx: Transaction<unknown>, table: SourceTable, rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const columns = sql.join(table.columns.map((column) => sql.id(column)));
  const values = sql.join(rows.map((row) => sql`(${sql.join(row)})`));
  // OVERRIDING SYSTEM VALUE: ids are kept even where an id is an identity column.
  await sql`insert into ${sql.id(table.name)} (${columns}) overriding system value values ${values}`.execute(trx);
}

/** Reads a target table in primary-key order (text keys by bytes, as SQLite orders them) through a cursor, into a checksum. */
async function checksumTarget(trx: Transaction<unknown>, table: SourceTable, textColumns: Map<string, boolean>, batchRows: number): Promise<TableChecksum> {
  const checksum = new TableChecksum();
  const order = table.key.map((column) => (textColumns.get(column) === true ? `${quoted(column)} collate "C"` : quoted(column))).join(', ');
  const select = `select ${table.columns.map(quoted).join(', ')} from ${quoted(table.name)} order by ${order}`;
  await sql.raw(`declare icmap_copy_check no scroll cursor for ${select}`).execute(trx);
  for (;;) {
    const { rows } = await sql.raw<Record<string, unknown>>(`fetch forward ${batchRows} from icmap_copy_check`).execute(trx);
    for (const row of rows) checksum.add(table.columns.map((column) => row[column]));
    if (rows.length < batchRows) break;
  }
  await sql.raw('close icmap_copy_check').execute(trx);
  return checksum;
}

/** Sets the sequences behind the table's columns (serial or identity) so the next id follows the largest copied one. */
async function setSequences(trx: Transaction<unknown>, table: SourceTable): Promise<{ name: string; value: number } | undefined> {
  let result: { name: string; value: number } | undefined;
  for (const column of table.columns) {
    const { rows } = await sql<{ sequence: string | null }>`select pg_get_serial_sequence(${quoted(table.name)}, ${column}) as sequence`.execute(trx);
    const sequence = rows[0]?.sequence;
    if (sequence == null) continue;
    const { rows: set } = await sql<{ value: string }>`
      select setval(${sequence}::regclass, coalesce(max(${sql.id(column)}), 1), max(${sql.id(column)}) is not null) as value from ${sql.id(table.name)}`.execute(trx);
    result = { name: sequence, value: Number(set[0]?.value ?? 0) };
  }
  return result;
}

export async function copyDatabase(options: CopyOptions): Promise<CopySummary> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const sqlite = openSource(options.source);
  // The schema name was checked against a strict pattern: safe in the startup options.
  const pool = new pg.Pool({ connectionString: options.target, max: 1, ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }) });
  const db = new Kysely<unknown>({ dialect: new IcmapPostgresDialect({ pool }) });
  try {
    const tables = readSourceTables(sqlite);
    let colliding: TargetTable[];
    try {
      colliding = await collidingTables(db, tables.map((table) => table.name), options.schema);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new OpsError(`cannot reach ${describeTarget(options.target)}: ${errorMessage(error)}`, { cause: error });
    }
    if (colliding.length > 0) {
      const listed = colliding.map((table) => `${table.name} (${formatNumber(table.rows)} row${table.rows === 1 ? '' : 's'})`).join(', ');
      throw new UsageError(
        `the target is not empty: it already has ${listed}. db:copy only fills an empty database (e.g. createdb icmap); nothing was written.`,
      );
    }
    log(`Copying ${options.source}`);
    log(`   into ${describeTarget(options.target)}${options.schema === undefined ? '' : `, schema ${options.schema}`}`);
    // One read transaction on the source: every table from the same moment, whatever ICMap does meanwhile.
    sqlite.exec('begin');
    const copies = await db.transaction().execute(async (trx) => {
      if (options.schema !== undefined) await sql`create schema if not exists ${sql.id(options.schema)}`.execute(trx);
      await migrateToLatest(trx);
      const columns = await targetColumns(trx);
      const problems = sameSchema(tables, columns);
      if (problems.length > 0) throw new OpsError(`after the migrations, the target's tables differ from the source's:\n  ${problems.join('\n  ')}`);
      // A migration may seed a row (a setting, say): the source's rows take its place.
      for (const table of [...tables].reverse()) await sql`delete from ${sql.id(table.name)}`.execute(trx);

      const results: TableCopy[] = [];
      const sourceChecksums = new Map<string, TableChecksum>();
      for (const table of tables) {
        const perBatch = Math.max(1, Math.min(options.batchRows ?? DEFAULT_BATCH_ROWS, Math.floor(MAX_PARAMETERS / table.columns.length)));
        const textKey = (sqlite.prepare('select name from pragma_table_info(?) where upper(type) like \'%TEXT%\' or upper(type) like \'%CHAR%\'').all(table.name) as { name: string }[]).map((row) => row.name);
        const order = table.key.map((column) => (textKey.includes(column) ? `${quoted(column)} collate binary` : quoted(column))).join(', ');
        const statement = sqlite.prepare(`select ${table.columns.map(quoted).join(', ')} from ${quoted(table.name)} order by ${order}`).raw(true);
        const checksum = new TableChecksum();
        let batch: unknown[][] = [];
        for (const row of statement.iterate() as IterableIterator<unknown[]>) {
          checksum.add(row);
          batch.push(row);
          if (batch.length >= perBatch) {
            await insertBatch(trx, table, batch);
            batch = [];
          }
        }
        await insertBatch(trx, table, batch);
        sourceChecksums.set(table.name, checksum);
        log(`  ${table.name}: ${formatNumber(checksum.rows)} rows`);
      }
      for (const table of tables) {
        const sequence = await setSequences(trx, table);
        const target = await checksumTarget(trx, table, columns.get(table.name) ?? new Map<string, boolean>(), options.batchRows ?? DEFAULT_BATCH_ROWS);
        const source = sourceChecksums.get(table.name) ?? new TableChecksum();
        results.push({
          table: table.name,
          sourceRows: source.rows,
          targetRows: target.rows,
          sourceChecksum: source.digest(),
          targetChecksum: target.digest(),
          sequence,
        });
      }
      const differing = results.filter((result) => result.sourceRows !== result.targetRows || result.sourceChecksum !== result.targetChecksum);
      if (differing.length > 0) {
        log(formatCopyTable(results));
        throw new OpsError(`the copy differs from the source in ${differing.map((result) => result.table).join(', ')}: rolled back, nothing was written`);
      }
      return results;
    });
    sqlite.exec('commit');
    return { tables: copies, rows: copies.reduce((sum, table) => sum + table.targetRows, 0), milliseconds: performance.now() - started };
  } finally {
    if (sqlite.inTransaction) sqlite.exec('rollback');
    sqlite.close();
    await db.destroy();
  }
}

/** The per-table report: rows and checksums on both sides. */
export function formatCopyTable(tables: readonly TableCopy[]): string {
  const header = `${'table'.padEnd(22)}${'SQLite rows'.padStart(12)}${'PostgreSQL rows'.padStart(17)}  ${'sha256 SQLite'.padEnd(18)}${'sha256 PostgreSQL'.padEnd(19)}${'next id'.padStart(9)}  same`;
  const lines = tables.map((table) => {
    const same = table.sourceRows === table.targetRows && table.sourceChecksum === table.targetChecksum;
    const nextId = table.sequence === undefined ? '' : formatNumber(table.sequence.value + (table.targetRows > 0 ? 1 : 0));
    return `${table.table.padEnd(22)}${formatNumber(table.sourceRows).padStart(12)}${formatNumber(table.targetRows).padStart(17)}  ${table.sourceChecksum.slice(0, 16).padEnd(18)}${table.targetChecksum.slice(0, 16).padEnd(19)}${nextId.padStart(9)}  ${same ? 'yes' : 'NO'}`;
  });
  return [header, ...lines].join('\n');
}

export function formatCopySummary(summary: CopySummary, target: string): string {
  return `Copied ${summary.tables.length} tables, ${formatNumber(summary.rows)} rows, into ${describeTarget(target)} in ${formatSeconds(summary.milliseconds)}: every row count and checksum is the same on both sides.`;
}
