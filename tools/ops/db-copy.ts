/** `npm run db:copy -- --from FILE --to postgres://…`: moves a SQLite install into an empty PostgreSQL database, checked table by table. */
import { z } from 'zod';
import { configuredDatabasePath, parseCommandLine, runCli } from './cli.js';
import { copyDatabase, formatCopySummary, formatCopyTable } from './copy-database.js';
import { UsageError } from './sqlite-files.js';

const USAGE = `Usage: npm run db:copy -- --to postgres://USER@HOST:PORT/DATABASE [--from FILE] [--schema S]

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

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseCommandLine(argv, { from: { type: 'string' }, to: { type: 'string' }, schema: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, false);
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  if (values.to === undefined) throw new UsageError('give the target with --to, e.g. --to postgres://icmap@127.0.0.1:5432/icmap');
  const target = targetSchema.safeParse(values.to);
  if (!target.success) throw new UsageError(target.error.issues[0]?.message ?? '--to is not a PostgreSQL URL');
  const schema = typeof values.schema === 'string' ? values.schema.trim() : undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new UsageError(`--schema must be a PostgreSQL schema name: lower-case letters, digits and _, not starting with a digit (got "${schema}")`);
  const from = typeof values.from === 'string' && values.from.trim() !== '' ? values.from : configuredDatabasePath();
  const summary = await copyDatabase({ source: from, target: target.data, schema, log: (line) => { console.log(line); } });
  console.log('');
  console.log(formatCopyTable(summary.tables));
  console.log('');
  console.log(formatCopySummary(summary, target.data));
}

runCli('db:copy', USAGE, () => main(process.argv.slice(2)));
