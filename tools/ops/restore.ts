/** `npm run restore -- FILE [--yes]`: puts a backup in place of ICMap's database on a stopped install. */
import { configuredDatabasePath, parseCommandLine, runCli } from './cli.js';
import { restoreDatabase } from './restore-database.js';
import { UsageError } from './sqlite-files.js';

const USAGE = `Usage: npm run restore -- FILE [--yes]

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

async function main(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(argv, { yes: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || file.trim() === '') throw new UsageError('give the backup FILE to restore, e.g. npm run restore -- backups/icmap-2026-11-23.sqlite');
  if (extra.length > 0) throw new UsageError(`give one FILE (got ${positionals.length}: ${positionals.join(' ')})`);
  await restoreDatabase({ file, target: configuredDatabasePath(), yes: values.yes === true, log: (line) => { console.log(line); } });
}

runCli('restore', USAGE, () => main(process.argv.slice(2)));
