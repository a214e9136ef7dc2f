/** Opens the embedded SQLite database with the pragmas ICMap's durability promise depends on. */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type LogConfig } from 'kysely';
import { FOLD_FUNCTION, foldText } from './fold.js';
import type { Database } from './schema.js';
import { withStatementCache } from './statement-cache.js';

export interface DatabaseHandle {
  db: Kysely<Database>;
  /** Closes the connection; WAL content is checkpointed into the main file by SQLite on close. */
  close: () => Promise<void>;
}

/** Waits this long for another connection's lock before a query fails with SQLITE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export function openDatabase(databasePath: string, options: { busyTimeoutMs?: number; log?: LogConfig } = {}): DatabaseHandle {
  if (databasePath !== ':memory:') {
    fs.mkdirSync(path.dirname(databasePath), { recursive: true });
    // The file holds password hashes and sessions: readable by its owner only from its first byte,
    // whatever the umask. SQLite creates -wal and -shm with the database file's permissions.
    fs.closeSync(fs.openSync(databasePath, 'a', 0o600));
    for (const file of [databasePath, `${databasePath}-wal`, `${databasePath}-shm`]) {
      if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
    }
  }
  const sqlite = new SQLite(databasePath);
  // WAL lets readers work while one writer commits; synchronous=FULL fsyncs every commit so an
  // acknowledged answer survives a crash or a power cut, not just a process kill.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
  // Accent- and case-blind search (people): icmap_fold('Ángela') = 'angela'.
  sqlite.function(FOLD_FUNCTION, { deterministic: true }, (text: unknown) => (typeof text === 'string' ? foldText(text) : text));
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  return { db, close: () => db.destroy() };
}
