/**
 * An online, consistent backup of ICMap's database with SQLite's backup API, safe while the server
 * runs: WAL lets this reader copy pages while ICMap keeps committing. SQLite restarts a copy that
 * the live database changed under; after a few restarts the rest is copied in one step, inside one
 * read transaction, which a WAL writer does not wait for. The copy is written next to its
 * destination under a temporary name, checked with PRAGMA integrity_check, and only then renamed
 * into place: a failed or interrupted backup never leaves a half-written FILE behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  checkOwnCopy,
  describeIntegrity,
  formatBytes,
  formatNumber,
  formatSeconds,
  isDatabaseOrCompanion,
  OpsError,
  removeCompanions,
  removeDatabase,
  syncFile,
  syncFolder,
  UsageError,
  type Log,
} from './sqlite-files.js';

export interface BackupOptions {
  /** The live database (DATABASE_PATH). */
  source: string;
  /** Where to write the backup; its folders are created. */
  destination: string;
  /** Replace `destination` if it exists (only once the new copy has passed its check). */
  force?: boolean;
  /** Progress and summary lines (default: none). */
  log?: Log;
  /** Pages copied per step, between which others may use the database (default 1024: 4 MiB of 4 KiB pages). */
  pagesPerStep?: number;
  /** Restarts (the live database changed mid-copy) after which the rest is copied in one step (default 3). */
  maxRestarts?: number;
  /** At most one progress line per this many milliseconds (default 500). */
  progressEveryMs?: number;
}

export interface BackupSummary {
  source: string;
  destination: string;
  pages: number;
  pageSize: number;
  bytes: number;
  milliseconds: number;
  /** Calls to sqlite3_backup_step. */
  steps: number;
  /** Times SQLite started the copy again because the live database changed. */
  restarts: number;
  integrity: 'ok';
}

const ALL_REMAINING_PAGES = 0x7fffffff;

export async function backupDatabase(options: BackupOptions): Promise<BackupSummary> {
  const log = options.log ?? (() => undefined);
  const pagesPerStep = Math.max(1, Math.round(options.pagesPerStep ?? 1024));
  const maxRestarts = Math.max(0, Math.round(options.maxRestarts ?? 3));
  const progressEveryMs = options.progressEveryMs ?? 500;

  if (options.source === ':memory:') throw new UsageError('DATABASE_PATH is ":memory:": there is no database file to back up.');
  const source = path.resolve(options.source);
  const destination = path.resolve(options.destination);
  if (isDatabaseOrCompanion(destination, source)) {
    throw new UsageError(`${options.destination} is ICMap's live database (DATABASE_PATH) or one of its files. Give the backup a file of its own.`);
  }
  const existing = fs.statSync(destination, { throwIfNoEntry: false });
  if (existing?.isDirectory() === true) throw new UsageError(`${options.destination} is a folder; give the backup a file name, such as ${path.join(options.destination, 'icmap-backup.sqlite')}.`);
  if (existing !== undefined && options.force !== true) {
    throw new UsageError(`${options.destination} already exists. Choose another file name, or add --force to replace it.`);
  }
  const sourceStat = fs.statSync(source, { throwIfNoEntry: false });
  if (sourceStat === undefined) throw new OpsError(`There is no database at ${source} (DATABASE_PATH): nothing to back up.`);
  if (!sourceStat.isFile()) throw new OpsError(`${source} (DATABASE_PATH) is not a file.`);

  const folder = path.dirname(destination);
  fs.mkdirSync(folder, { recursive: true });
  const partial = path.join(folder, `.${path.basename(destination)}.partial-${process.pid}-${Date.now()}`);
  removeDatabase(partial);

  const started = performance.now();
  log(`Backing up ${source}`);
  log(`        to ${destination}`);
  let steps = 0;
  let restarts = 0;
  let previousRemaining: number | undefined;
  let lastLine = started;
  let oneStep = false;
  let live: SQLite.Database | undefined;
  let renamed = false;
  try {
    // Read-only: this tool never writes to the live database. The busy timeout covers the short
    // moments a WAL reader must wait (a checkpoint resetting the log, ICMap starting up).
    // Owner-only from the start (the copy holds password hashes), not only once it is complete.
    fs.closeSync(fs.openSync(partial, 'wx', 0o600));
    live = new SQLite(source, { readonly: true, fileMustExist: true });
    live.pragma('busy_timeout = 5000');
    const liveDb = live;
    const result = await liveDb.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        steps += 1;
        if (previousRemaining !== undefined && remainingPages >= previousRemaining) restarts += 1;
        previousRemaining = remainingPages;
        const now = performance.now();
        if (now - lastLine >= progressEveryMs) {
          lastLine = now;
          const done = totalPages - remainingPages;
          log(`  ${formatNumber(done)} of ${formatNumber(totalPages)} pages (${Math.floor((100 * done) / Math.max(1, totalPages))}%)${restarts > 0 ? `, ${restarts} restart${restarts === 1 ? '' : 's'}` : ''}`);
        }
        if (restarts >= maxRestarts && !oneStep) {
          oneStep = true;
          log(`  the database changed ${restarts} time${restarts === 1 ? '' : 's'} during the copy: copying the rest in one step`);
        }
        return oneStep ? ALL_REMAINING_PAGES : pagesPerStep;
      },
    });
    steps += 1;
    liveDb.close();
    live = undefined;
    // The database holds password hashes and sessions: the backup is readable by its owner only.
    fs.chmodSync(partial, 0o600);

    const check = checkOwnCopy(partial, 'The backup copy');
    if (!check.ok) {
      throw new OpsError(`The backup copy failed PRAGMA integrity_check, so ${destination} was not written:\n${describeIntegrity(check.integrity)}`);
    }
    syncFile(partial);
    if (options.force === true) removeCompanions(destination);
    fs.renameSync(partial, destination);
    renamed = true;
    syncFolder(folder);

    const milliseconds = Math.round(performance.now() - started);
    const summary: BackupSummary = {
      source,
      destination,
      pages: check.pages,
      pageSize: check.pageSize,
      bytes: check.bytes,
      milliseconds,
      steps,
      restarts,
      integrity: 'ok',
    };
    log(`  ${formatNumber(result.totalPages)} of ${formatNumber(result.totalPages)} pages (100%)`);
    log('');
    log(`Backup written: ${destination}`);
    log(`  pages            ${formatNumber(summary.pages)} × ${formatNumber(summary.pageSize)} bytes`);
    log(`  size             ${formatBytes(summary.bytes)}`);
    log(`  time             ${formatSeconds(milliseconds)} (${formatNumber(steps)} step${steps === 1 ? '' : 's'}, ${restarts} restart${restarts === 1 ? '' : 's'})`);
    log('  integrity_check  ok');
    return summary;
  } finally {
    live?.close();
    if (!renamed) removeDatabase(partial);
  }
}
