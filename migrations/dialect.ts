/**
 * Where SQLite and PostgreSQL differ in the migrations, decided in this one file. Migrations are
 * frozen in time, so this is part of them: it imports nothing of the application. On SQLite every
 * helper gives exactly the SQL the migrations always ran, so existing installs upgrade unchanged.
 */
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export function isPostgres(db: AnyDb): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The default of every timestamp column: now, as ISO-8601 UTC text with milliseconds (what JavaScript's toISOString writes). */
export function nowText(db: AnyDb): RawBuilder<string> {
  return isPostgres(db)
    ? sql`(to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`
    : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
}

/** An integer primary key the database numbers itself; explicit ids are still accepted (copies keep theirs). */
export function autoId(db: AnyDb): (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return isPostgres(db) ? (col) => col.primaryKey().generatedByDefaultAsIdentity() : (col) => col.primaryKey().autoIncrement();
}

/**
 * PostgreSQL's stand-ins for what SQLite has built in or ICMap registers on each SQLite connection,
 * created in the migrations' own schema before the first table:
 * - the collation `nocase`, so `order by name collate nocase` reads the same on both (case-blind
 *   ordering; equality stays exact on PostgreSQL, so comparisons that must ignore case use lower());
 * - icmap_fold(text), the search fold: lower case with accents removed ('Ángela' → 'angela'), as
 *   server/db/fold.ts does in JavaScript for SQLite (decompose, drop combining marks, lower-case).
 */
export async function createPostgresHelpers(db: AnyDb): Promise<void> {
  if (!isPostgres(db)) return;
  const icu = await sql<{ found: number }>`select 1 as found from pg_collation where collname = 'und-x-icu'`.execute(db);
  const hasIcu = icu.rows.length > 0;
  // Case-blind (ICU strength 2) where the server has ICU; a server built without it orders as its default.
  await (hasIcu
    ? sql`create collation nocase (provider = icu, locale = 'und-u-ks-level2')`
    : sql`create collation nocase from "default"`
  ).execute(db);
  const lowered = hasIcu ? sql.raw(`lower(stripped collate "und-x-icu")`) : sql.raw('lower(stripped)');
  await sql`create function icmap_fold(text) returns text language sql immutable strict parallel safe as $fold$
    select ${lowered} from (select regexp_replace(normalize($1, nfd),
      '[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]', '', 'g') as stripped) as folded
  $fold$`.execute(db);
}
