/**
 * Opens ICMap's database: the embedded SQLite file with the pragmas its durability promise depends
 * on, or, when DATABASE_URL names one, a PostgreSQL server (postgres.ts). The one place that chooses.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type LogConfig } from 'kysely';
import { FOLD_FUNCTION, foldText } from './fold.js';
import type { DialectName } from './dialect.js';
import type { Database } from './schema.js';
import { withStatementCache } from './statement-cache.js';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Closes the connection; WAL content is checkpointed into the main file by SQLite on close. */
  close: () => Promise<void>;
  /** SQLite: the whole database as the bytes of a database file (tests clone fixture databases from it). */
  serialize?: () => Buffer;
}

/** Waits this long for another connection's lock before a query fails with SQLITE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export function openDatabase(databasePath: string, options: { busyTimeoutMs?: number; log?: LogConfig; image?: Buffer } = {}): DatabaseHandle {
  if (options.image !== undefined && databasePath !== ':memory:') throw new Error('a database image opens only as an in-memory database (DATABASE_PATH=:memory:)');
  if (databasePath !== ':memory:') {
    fs.mkdirSync(path.dirname(databasePath), { recursive: true });
    // The file holds password hashes and sessions: readable by its owner only from its first byte,
    // whatever the umask. SQLite creates -wal and -shm with the database file's permissions.
    fs.closeSync(fs.openSync(databasePath, 'a', 0o600));
    for (const file of [databasePath, `${databasePath}-wal`, `${databasePath}-shm`]) {
      if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
    }
  }
  // An image (the bytes of a database file) opens as an in-memory copy of that database.
  const sqlite = new SQLite(options.image ?? databasePath);
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
  return { db, dialect: 'sqlite', close: () => db.destroy(), serialize: () => sqlite.serialize() };
}

/** The settings that say which database to open (a subset of Config). */
export interface DatabaseSettings {
  databasePath: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  databaseSchema: string | undefined;
  databaseBusyTimeoutMs: number;
  /** SQLite in memory only: start as a copy of this database image instead of empty (tests: a migrated or seeded fixture, cloned). */
  databaseImage?: Buffer | undefined;
}

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else the SQLite file at DATABASE_PATH. */
export async function openConfiguredDatabase(settings: DatabaseSettings, options: { log?: LogConfig } = {}): Promise<DatabaseHandle> {
  if (settings.databaseUrl !== undefined) {
    // Loaded only when used: an SQLite install never loads the PostgreSQL driver.
    const { openPostgres } = await import('./postgres.js');
    return openPostgres({
      url: settings.databaseUrl,
      poolSize: settings.databasePoolSize,
      schema: settings.databaseSchema,
      busyTimeoutMs: settings.databaseBusyTimeoutMs,
      log: options.log,
    });
  }
  return openDatabase(settings.databasePath, {
    busyTimeoutMs: settings.databaseBusyTimeoutMs,
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(settings.databaseImage === undefined ? {} : { image: settings.databaseImage }),
  });
}

/**
 * A connection of its own for a long read (the CSV export), so it never holds up other requests: a
 * second SQLite connection (WAL lets it read alongside), or undefined where the shared handle already
 * serves it (PostgreSQL's pool; an in-memory SQLite database, which no other connection can see).
 */
export function openLongReader(settings: DatabaseSettings): DatabaseHandle | undefined {
  if (settings.databaseUrl !== undefined || settings.databasePath === ':memory:') return undefined;
  return openDatabase(settings.databasePath);
}

/** Where the configured database is, for messages (never the URL's password). */
export function describeDatabase(settings: DatabaseSettings): string {
  if (settings.databaseUrl === undefined) return settings.databasePath;
  const url = new URL(settings.databaseUrl);
  url.password = '';
  return `${url.toString()}${settings.databaseSchema === undefined ? '' : ` (schema ${settings.databaseSchema})`}`;
}
