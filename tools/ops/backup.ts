/** `npm run backup -- FILE [--force]`: an online, checked backup of ICMap's database, safe while ICMap runs. */
import { backupDatabase } from './backup-database.js';
import { configuredDatabasePath, parseCommandLine, runCli } from './cli.js';
import { UsageError } from './sqlite-files.js';

const USAGE = `Usage: npm run backup -- FILE [--force]

Copies ICMap's database (DATABASE_PATH, default data/icmap.sqlite) to FILE with SQLite's
online backup API. ICMap can keep running: the copy is a consistent snapshot. The copy is
checked with PRAGMA integrity_check before it is given FILE's name.

  FILE      the backup file to write; missing folders are created
  --force   replace FILE if it already exists (only once the new copy has passed its check)
  --help    show this help

Exit codes: 0 backed up and checked, 1 the backup or its check failed, 2 bad arguments.`;

async function main(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(argv, { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || file.trim() === '') throw new UsageError('give the backup FILE to write, e.g. npm run backup -- backups/icmap-2026-11-23.sqlite');
  if (extra.length > 0) throw new UsageError(`give one FILE (got ${positionals.length}: ${positionals.join(' ')})`);
  await backupDatabase({ source: configuredDatabasePath(), destination: file, force: values.force === true, log: (line) => { console.log(line); } });
}

runCli('backup', USAGE, () => main(process.argv.slice(2)));
