/**
 * better-sqlite3 with its prepared statements kept for reuse. Kysely's SQLite driver prepares every
 * query afresh; on a survey page that preparing took longer than running the queries.
 */
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct query texts kept; the least recently used is dropped past this (an `in (?, ?, …)` list makes a text per length). */
const DEFAULT_CAPACITY = 500;

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
      if (kept !== undefined && !kept.busy) {
        statements.delete(sql);
        statements.set(sql, kept);
        return kept;
      }
      const statement = sqlite.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > capacity) {
        const oldest = statements.keys().next().value;
        if (oldest !== undefined) statements.delete(oldest);
      }
      return statement;
    },
  };
}
