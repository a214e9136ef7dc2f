/** What `npm run db:copy` does, without the process around it: usage, command-line parsing, the copy. */
import { z } from 'zod';
import { configuredDatabasePath, parseCommandLine } from './cli.js';
import { copyDatabase, formatCopySummary, formatCopyTable } from './copy-database.js';
import { UsageError, type Log } from './sqlite-files.js';

export const DB_COPY_USAGE = `Usage: npm run db:copy -- --to postgres://USER@HOST:PORT/DATABASE [--from FILE] [--schema S]

Copies a whole ICMap install from SQLite into an empty PostgreSQL database, in one transaction:
creates ICMap's tables there (the same migrations ICMap runs), copies every table with its ids,
sets the id sequences, then reads each table back and compares its row count and checksum with
the source's. Any difference undoes the whole copy. Stop ICMap first so that nothing written
after the copy's start is left behind; the source is only read.

  --to URL     the target: an empty PostgreSQL database (refused if it holds ICMap's tables)
  --from FILE  the SQLite database to copy (default: DATABASE_PATH, i.e. data/icmap.sqlite)
  --schema S   copy into the schema S of the target (created if missing), for DATABASE_SCHEMA=S
  --help       show this help

Then start ICMap with DATABASE_URL set to the same URL.

Exit codes: 0 copied and verified, 1 the copy failed or differed (nothing was written),
2 bad arguments or a target that is not empty (nothing was written).`;

const targetSchema = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && ['postgres:', 'postgresql:'].includes(new URL(value).protocol), {
    message: '--to must be a PostgreSQL URL such as postgres://icmap@127.0.0.1:5432/icmap',
  });

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function dbCopyCommand(argv: readonly string[], log: Log): Promise<void> {
  const { values } = parseCommandLine(argv, { from: { type: 'string' }, to: { type: 'string' }, schema: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, false);
  if (values.help === true) {
    log(DB_COPY_USAGE);
    return;
  }
  if (values.to === undefined) throw new UsageError('give the target with --to, e.g. --to postgres://icmap@127.0.0.1:5432/icmap');
  const target = targetSchema.safeParse(values.to);
  if (!target.success) throw new UsageError(target.error.issues[0]?.message ?? '--to is not a PostgreSQL URL');
  const schema = typeof values.schema === 'string' ? values.schema.trim() : undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new UsageError(`--schema must be a PostgreSQL schema name: lower-case letters, digits and _, not starting with a digit (got "${schema}")`);
  const from = typeof values.from === 'string' && values.from.trim() !== '' ? values.from : configuredDatabasePath();
  const summary = await copyDatabase({ source: from, target: target.data, schema, log });
  log('');
  log(formatCopyTable(summary.tables));
  log('');
  log(formatCopySummary(summary, target.data));
}
