/**
 * better-sqlite3 with its prepared statements kept for reuse. Kysely's SQLite driver prepares every
 * query afresh; on a survey page that preparing took longer than running the queries.
 */
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Distinct query texts kept. ICMap has a few hundred; an `in (?, ?, …)` list makes one per length,
 * so past this the cache starts afresh rather than grow without bound (cheaper than tracking use).
 */
const DEFAULT_CAPACITY = 1000;

export function withStatementCache(sqlite: SQLite.Database, capacity = DEFAULT_CAPACITY): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare(sql: string): SqliteStatement {
      const kept = statements.get(sql);
      // A statement still being iterated (a streamed query) cannot run again until it finishes: prepare another.
      if (kept !== undefined && !kept.busy) return kept;
      if (statements.size >= capacity) statements.clear();
      const statement = sqlite.prepare(sql);
      statements.set(sql, statement);
      return statement;
    },
  };
}
