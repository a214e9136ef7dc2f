/** What `npm run backup` and `npm run restore` do, without the process around them: usage, command-line parsing, the run. */
import { backupDatabase } from './backup-database.js';
import { parseCommandLine } from './cli.js';
import { restoreDatabase } from './restore-database.js';
import { UsageError, type Log } from './sqlite-files.js';

export const BACKUP_USAGE = `Usage: npm run backup -- FILE [--force]

Copies ICMap's database (DATABASE_PATH, default data/icmap.sqlite) to FILE with SQLite's
online backup API. ICMap can keep running: the copy is a consistent snapshot. The copy is
checked with PRAGMA integrity_check before it is given FILE's name.

  FILE      the backup file to write; missing folders are created
  --force   replace FILE if it already exists (only once the new copy has passed its check)
  --help    show this help

Exit codes: 0 backed up and checked, 1 the backup or its check failed, 2 bad arguments.`;

export const RESTORE_USAGE = `Usage: npm run restore -- FILE [--yes]

Replaces ICMap's database (DATABASE_PATH, default data/icmap.sqlite) with the backup FILE.
Stop ICMap first: the restore refuses while the database is in use.

  1. checks FILE with PRAGMA integrity_check (and that it is an ICMap database)
  2. moves the current database aside to <name>.before-restore-<time> (it is never deleted)
  3. copies FILE into place
  4. applies the migrations an older backup lacks

  FILE     the backup to restore (e.g. one written by npm run backup)
  --yes    do it; without --yes, FILE is checked and the steps are printed, nothing changes
  --help   show this help

Exit codes: 0 restored (without --yes: FILE is sound and restorable), 1 refused or failed, 2 bad arguments.`;

/** One FILE and a yes/no flag, or 'help'. */
export interface FileCommand {
  file: string;
  flag: boolean;
}

function oneFile(argv: readonly string[], flag: 'force' | 'yes', missing: string): FileCommand | 'help' {
  const { values, positionals } = parseCommandLine(argv, { [flag]: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) return 'help';
  const [file, ...extra] = positionals;
  if (file === undefined || file.trim() === '') throw new UsageError(missing);
  if (extra.length > 0) throw new UsageError(`give one FILE (got ${positionals.length}: ${positionals.join(' ')})`);
  return { file, flag: values[flag] === true };
}

/** `backup FILE [--force]`: `flag` is --force. */
export function parseBackupArgs(argv: readonly string[]): FileCommand | 'help' {
  return oneFile(argv, 'force', 'give the backup FILE to write, e.g. npm run backup -- backups/icmap-2026-11-23.sqlite');
}

/** `restore FILE [--yes]`: `flag` is --yes. */
export function parseRestoreArgs(argv: readonly string[]): FileCommand | 'help' {
  return oneFile(argv, 'yes', 'give the backup FILE to restore, e.g. npm run restore -- backups/icmap-2026-11-23.sqlite');
}

export async function backupCommand(argv: readonly string[], databasePath: () => string, log: Log): Promise<void> {
  const command = parseBackupArgs(argv);
  if (command === 'help') {
    log(BACKUP_USAGE);
    return;
  }
  await backupDatabase({ source: databasePath(), destination: command.file, force: command.flag, log });
}

export async function restoreCommand(argv: readonly string[], databasePath: () => string, log: Log): Promise<void> {
  const command = parseRestoreArgs(argv);
  if (command === 'help') {
    log(RESTORE_USAGE);
    return;
  }
  await restoreDatabase({ file: command.file, target: databasePath(), yes: command.flag, log });
}
