/**
 * The few places where SQLite and PostgreSQL must be told apart at run time. Queries are written to
 * run on both; what cannot be (locks across processes) asks here which database it is talking to.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Db } from './types.js';

export type DialectName = 'sqlite' | 'postgres';

export function dialectOf(db: Pick<Kysely<unknown>, 'getExecutor'>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * Makes transactions that name the same key take turns until they end, across every ICMap process
 * on the database. On SQLite there is nothing to do: one writer at a time is SQLite's own rule, and
 * a transaction that read before another's write cannot then write (it gets SQLITE_BUSY, a 503).
 * PostgreSQL runs transactions side by side, so this takes a transaction-scoped advisory lock. Call
 * it inside a transaction, with keys always in the same order (no two callers wait for each other).
 */
export async function takeTurns(trx: Db, ...keys: string[]): Promise<void> {
  if (dialectOf(trx) !== 'postgres') return;
  for (const key of keys) await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}
