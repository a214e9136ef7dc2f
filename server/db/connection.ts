/** Opens the embedded SQLite database with the pragmas ICMap's durability promise depends on. */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { withStatementCache } from './statement-cache.js';

export interface DatabaseHandle {
  db: Kysely<Database>;
  /** Closes the connection; WAL content is checkpointed into the main file by SQLite on close. */
  close: () => Promise<void>;
}

export function openDatabase(databasePath: string): DatabaseHandle {
  if (databasePath !== ':memory:') {
    fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  }
  const sqlite = new SQLite(databasePath);
  // WAL lets readers work while one writer commits; synchronous=FULL fsyncs every commit so an
  // acknowledged answer survives a crash or a power cut, not just a process kill.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, close: () => db.destroy() };
}
