/** Shared by the backup, restore and fault-injection tools: SQLite file checks, companion files, names and figures. */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';

/** The files SQLite keeps next to a database: its write-ahead log, the WAL index and a rollback journal. */
export const COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

/** A bad command line, or a refusal before anything was done: the tools exit with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A check that failed, or an operation that could not be carried out: the tools exit with code 1. */
export class OpsError extends Error {
  override name = 'OpsError';
}

export type Log = (line: string) => void;

/** The absolute path of `file`, through any symbolic links of the part that exists. */
function canonical(file: string): string {
  const absolute = path.resolve(file);
  try {
    return fs.realpathSync(absolute);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(absolute)), path.basename(absolute));
    } catch {
      return absolute;
    }
  }
}

/** True when `a` and `b` name the same file: the same path, a link to it, or (both existing) the same inode. */
export function sameFile(a: string, b: string): boolean {
  if (canonical(a) === canonical(b)) return true;
  const statA = fs.statSync(a, { throwIfNoEntry: false });
  const statB = fs.statSync(b, { throwIfNoEntry: false });
  if (statA === undefined || statB === undefined) return false;
  return statA.dev === statB.dev && statA.ino === statB.ino;
}

/** True when `file` is the database `database` itself or one of its companion files. */
export function isDatabaseOrCompanion(file: string, database: string): boolean {
  return [database, ...COMPANION_SUFFIXES.map((suffix) => `${database}${suffix}`)].some((candidate) => sameFile(file, candidate));
}

/** Deletes a database file's companions (not the file itself), if present. */
export function removeCompanions(file: string): void {
  for (const suffix of COMPANION_SUFFIXES) fs.rmSync(`${file}${suffix}`, { force: true });
}

/** Deletes a database file and its companions, if present. */
export function removeDatabase(file: string): void {
  fs.rmSync(file, { force: true });
  removeCompanions(file);
}

/** A time for file names: 2026-11-23T20-27-01Z (no colons, so it works on every file system). */
export function fileTimestamp(now = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

/** `base`, or `base-2`, `base-3`… : the first name that neither exists nor has companions. */
export function unusedName(base: string): string {
  const taken = (candidate: string): boolean => [candidate, ...COMPANION_SUFFIXES.map((suffix) => `${candidate}${suffix}`)].some((file) => fs.existsSync(file));
  if (!taken(base)) return base;
  for (let n = 2; n < 1000; n += 1) {
    if (!taken(`${base}-${n}`)) return `${base}-${n}`;
  }
  throw new OpsError(`could not find a free file name next to ${base}`);
}

/** Flushes a file's contents to disk. */
export function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a rename or a new file in `folder` durable (a no-op where folders cannot be opened, such as Windows). */
export function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(folder, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Best effort: the data itself was already synced by SQLite.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sqliteCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

export interface FileCheck {
  /** The lines of PRAGMA integrity_check: exactly ["ok"] for a healthy database. */
  integrity: string[];
  ok: boolean;
  pages: number;
  pageSize: number;
  bytes: number;
}

/**
 * Runs PRAGMA integrity_check on a database file this tool owns (a fresh copy), switching it to a
 * self-contained rollback-journal file on the way: no -wal to carry around, and ICMap turns WAL back
 * on when it opens it. Throws an OpsError naming the file when it is not a SQLite database at all.
 */
export function checkOwnCopy(file: string, label: string): FileCheck {
  let sqlite: SQLite.Database | undefined;
  try {
    sqlite = new SQLite(file, { fileMustExist: true });
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('journal_mode = DELETE');
    const integrity = (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
    const pages = Number(sqlite.pragma('page_count', { simple: true }));
    const pageSize = Number(sqlite.pragma('page_size', { simple: true }));
    return { integrity, ok: integrity.length === 1 && integrity[0] === 'ok', pages, pageSize, bytes: pages * pageSize };
  } catch (error) {
    if (error instanceof OpsError) throw error;
    throw new OpsError(`${label} is not a usable SQLite database: ${errorMessage(error)}`, { cause: error });
  } finally {
    sqlite?.close();
  }
}

/** The first few problems PRAGMA integrity_check reported, for a message. */
export function describeIntegrity(lines: readonly string[]): string {
  const shown = lines.slice(0, 5).map((line) => `  ${line}`);
  if (lines.length > 5) shown.push(`  … and ${lines.length - 5} more`);
  return shown.join('\n');
}

export type InUse = { inUse: true } | { inUse: false } | { inUse: 'unknown'; reason: string };

/**
 * Whether another connection (an ICMap server, a sqlite3 shell) has the database open. A plain
 * BEGIN EXCLUSIVE is not enough under WAL, where an idle reader does not block a writer; in
 * exclusive locking mode the transaction needs the file's EXCLUSIVE lock, which every open WAL
 * connection's shared lock denies. Closing this connection (the last one) checkpoints the WAL
 * into the main file and removes the -wal and -shm files.
 */
export function databaseInUse(file: string, busyTimeoutMs: number): InUse {
  let sqlite: SQLite.Database | undefined;
  try {
    sqlite = new SQLite(file, { fileMustExist: true });
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.round(busyTimeoutMs))}`);
    sqlite.pragma('locking_mode = EXCLUSIVE');
    sqlite.exec('BEGIN EXCLUSIVE');
    sqlite.prepare('select count(*) from sqlite_master').get();
    sqlite.exec('COMMIT');
    return { inUse: false };
  } catch (error) {
    const code = sqliteCode(error);
    if (code?.startsWith('SQLITE_BUSY') === true || code?.startsWith('SQLITE_LOCKED') === true) return { inUse: true };
    return { inUse: 'unknown', reason: errorMessage(error) };
  } finally {
    try {
      sqlite?.close();
    } catch {
      // Closing a connection that could not open the file: nothing to release.
    }
  }
}

const numberFormat = new Intl.NumberFormat('en-US');

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit] ?? 'TiB'}`;
}

export function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(milliseconds < 10_000 ? 2 : 1)} s`;
}
