/**
 * Puts a backup in place of ICMap's database on a stopped install: the backup is copied and checked
 * first (PRAGMA integrity_check, and that it is an ICMap database this version can read), the
 * database is refused while anything has it open, the current database is moved aside (never
 * deleted), and migrations bring an older backup up to date. Without `yes` it only checks and says
 * what it would do.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { migrations } from '../../migrations/index.js';
import { openDatabase } from '../../server/db/connection.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import {
  checkOwnCopy,
  COMPANION_SUFFIXES,
  databaseInUse,
  describeIntegrity,
  errorMessage,
  fileTimestamp,
  formatBytes,
  formatNumber,
  isDatabaseOrCompanion,
  OpsError,
  removeDatabase,
  syncFile,
  syncFolder,
  unusedName,
  UsageError,
  type Log,
} from './sqlite-files.js';

export interface RestoreOptions {
  /** The backup to restore. */
  file: string;
  /** ICMap's database (DATABASE_PATH). */
  target: string;
  /** Do it; otherwise check the backup and report what would happen. */
  yes: boolean;
  log?: Log;
  /** How long to wait for the database to be free before deciding ICMap is running (default 2000 ms). */
  busyTimeoutMs?: number;
  /** The time in the moved-aside file's name (default: now). */
  now?: Date;
}

export interface RestoreResult {
  /** False for a dry run (no `yes`). */
  restored: boolean;
  /** A dry run found the database in use (a real run refuses then). */
  inUse: boolean;
  file: string;
  target: string;
  pages: number;
  bytes: number;
  /** Migrations the backup had applied. */
  backupMigrations: string[];
  /** Migrations applied (or, on a dry run, to apply) to bring the backup up to date. */
  migrations: string[];
  /** Where the current database went (or would go); undefined when there was none. */
  movedAsideTo: string | undefined;
  /** Which of the current database's files were moved (the database, and any -wal/-shm left by a crash). */
  movedFiles: string[];
}

const MIGRATION_TABLE = 'kysely_migration';

/** The migrations a checked copy has applied; refuses a file that is not ICMap's or is newer than this ICMap. */
function readMigrations(file: string, label: string): string[] {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const table = sqlite.prepare("select name from sqlite_master where type = 'table' and name = ?").get(MIGRATION_TABLE);
    if (table === undefined) {
      throw new OpsError(`${label} is a SQLite database but not an ICMap one (it has no ${MIGRATION_TABLE} table).`);
    }
    const applied = (sqlite.prepare(`select name from ${MIGRATION_TABLE} order by name`).all() as { name: string }[]).map((row) => row.name);
    const unknown = applied.filter((name) => !Object.hasOwn(migrations, name));
    if (unknown.length > 0) {
      throw new OpsError(`${label} was made by a newer version of ICMap (it has migration ${unknown.join(', ')}, which this version does not know). Upgrade ICMap first, then restore.`);
    }
    return applied;
  } finally {
    sqlite.close();
  }
}

/** Copies the backup (and a -wal beside it, if any) to `staging`. */
function stage(file: string, staging: string): void {
  removeDatabase(staging);
  fs.copyFileSync(file, staging);
  // A file copied from a stopped WAL database may still have committed pages in its -wal.
  if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${staging}-wal`);
}

export async function restoreDatabase(options: RestoreOptions): Promise<RestoreResult> {
  const log = options.log ?? (() => undefined);
  if (options.target === ':memory:') throw new UsageError('DATABASE_PATH is ":memory:": there is no database file to restore into.');
  const file = path.resolve(options.file);
  const target = path.resolve(options.target);
  const fileStat = fs.statSync(file, { throwIfNoEntry: false });
  if (fileStat === undefined) throw new UsageError(`${options.file} does not exist.`);
  if (!fileStat.isFile()) throw new UsageError(`${options.file} is not a file.`);
  if (isDatabaseOrCompanion(file, target)) {
    throw new UsageError(`${options.file} is ICMap's database itself (DATABASE_PATH): give the backup file to restore from.`);
  }
  const targetStat = fs.statSync(target, { throwIfNoEntry: false });
  if (targetStat !== undefined && !targetStat.isFile()) throw new OpsError(`${target} (DATABASE_PATH) exists but is not a file.`);

  // 1. Check the backup, on a copy: the backup itself is never modified.
  const folder = path.dirname(target);
  let scratch: string | undefined;
  let staging: string;
  if (options.yes) {
    fs.mkdirSync(folder, { recursive: true });
    staging = path.join(folder, `.${path.basename(target)}.restoring-${process.pid}-${Date.now()}`);
  } else {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-restore-check-'));
    staging = path.join(scratch, 'backup.sqlite');
  }
  let placed = false;
  try {
    log(`Checking ${file} …`);
    stage(file, staging);
    const check = checkOwnCopy(staging, options.file);
    if (!check.ok) throw new OpsError(`${options.file} failed PRAGMA integrity_check; nothing was changed:\n${describeIntegrity(check.integrity)}`);
    const backupMigrations = readMigrations(staging, options.file);
    const pending = Object.keys(migrations).filter((name) => !backupMigrations.includes(name));
    log(`  integrity_check  ok`);
    log(`  size             ${formatNumber(check.pages)} pages, ${formatBytes(check.bytes)}`);
    log(`  schema           ${backupMigrations.at(-1) ?? 'no migrations'}${pending.length === 0 ? ' (up to date)' : ` (${pending.length} migration${pending.length === 1 ? '' : 's'} behind)`}`);

    // 2. Refuse while anything has the database open: ICMap, a sqlite3 shell, a backup in progress.
    const movedFiles: string[] = [];
    let movedAsideTo: string | undefined;
    let running = false;
    if (targetStat !== undefined) {
      const use = databaseInUse(target, options.busyTimeoutMs ?? 2000);
      running = use.inUse === true;
      if (running && options.yes) {
        throw new OpsError(`${target} is in use: ICMap (or another program) has it open. Stop ICMap first, then run the restore again. Nothing was changed.`);
      }
      if (use.inUse === 'unknown') log(`  note: the current database could not be read (${use.reason}); it will be moved aside as it is`);
      movedAsideTo = unusedName(`${target}.before-restore-${fileTimestamp(options.now)}`);
      for (const suffix of ['', ...COMPANION_SUFFIXES]) {
        if (fs.existsSync(`${target}${suffix}`)) movedFiles.push(`${target}${suffix}`);
      }
    }

    const result: RestoreResult = {
      restored: false,
      inUse: running,
      file,
      target,
      pages: check.pages,
      bytes: check.bytes,
      backupMigrations,
      migrations: pending,
      movedAsideTo,
      movedFiles,
    };
    const pendingText = pending.length === 0 ? 'no migrations to apply (the backup is up to date)' : `apply ${pending.length} migration${pending.length === 1 ? '' : 's'}: ${pending.join(', ')}`;

    if (!options.yes) {
      log('');
      log(`Restoring would:`);
      log(movedAsideTo === undefined ? `  1. find no current database at ${target} (nothing to move aside)` : `  1. move the current database aside to ${movedAsideTo}`);
      log(`  2. copy ${file} to ${target}`);
      log(`  3. ${pendingText}`);
      log('');
      if (running) log(`ICMap (or another program) has ${target} open now: stop ICMap first, then run the same command with --yes.`);
      else log('Nothing was changed. Run the same command with --yes to restore.');
      return result;
    }

    // 3. Move the current database aside (with any -wal/-shm a crash left, renamed to match).
    if (movedAsideTo !== undefined) {
      for (const moved of movedFiles) fs.renameSync(moved, `${movedAsideTo}${moved.slice(target.length)}`);
      log(`Moved the current database aside to ${movedAsideTo}`);
    }
    // 4. The checked copy goes in place with one rename: ICMap never sees a half-copied file. It
    // keeps the current database's permissions (a backup is readable by its owner only).
    if (targetStat !== undefined) fs.chmodSync(staging, targetStat.mode & 0o777);
    syncFile(staging);
    fs.renameSync(staging, target);
    placed = true;
    syncFolder(folder);
    log(`Restored ${file}`);
    log(`      to ${target}`);

    // 5. Bring an older backup up to date, exactly as ICMap would when it starts.
    let applied: string[];
    try {
      const { db, close } = openDatabase(target);
      try {
        applied = await migrateToLatest(db);
      } finally {
        await close();
      }
    } catch (error) {
      const failed = unusedName(`${target}.failed-restore-${fileTimestamp(options.now)}`);
      fs.renameSync(target, failed);
      for (const suffix of COMPANION_SUFFIXES) if (fs.existsSync(`${target}${suffix}`)) fs.renameSync(`${target}${suffix}`, `${failed}${suffix}`);
      if (movedAsideTo !== undefined) {
        for (const moved of movedFiles) fs.renameSync(`${movedAsideTo}${moved.slice(target.length)}`, moved);
      }
      const cause = error instanceof Error && error.cause !== undefined ? ` (${errorMessage(error.cause)})` : '';
      throw new OpsError(
        `Migrating the restored database failed: ${errorMessage(error)}${cause}. The previous database is back in place; the restored copy was kept as ${failed}.`,
        { cause: error },
      );
    }
    log(applied.length === 0 ? 'Migrations: none needed (the backup was up to date)' : `Migrations applied: ${applied.join(', ')}`);
    log('');
    log('Done. Start ICMap again (npm start).');
    return { ...result, restored: true, migrations: applied };
  } finally {
    if (!placed) removeDatabase(staging);
    if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
  }
}
