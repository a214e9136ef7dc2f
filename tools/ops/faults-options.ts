/** The command line of `npm run test:faults`: its usage and its parsing, apart from the harness so they can be tested in-process. */
import { parseCommandLine } from './cli.js';
import { UsageError } from './sqlite-files.js';

export const USAGE = `Usage: npm run test:faults -- [--kills N] [--seed S] [--quick] [--time-limit S] [--keep] [--database sqlite|postgres]

Starts ICMap on a throw-away demo database, drives self-assessment saves and submissions
over HTTP, SIGKILLs and restarts the server N times meanwhile, then checks the database:
every acknowledged submission present exactly once with its answers, nothing half-written,
PRAGMA integrity_check ok.

With --database postgres, the demo database is moved (db:copy) into a schema of its own in
the PostgreSQL database TEST_DATABASE_URL names, two ICMap processes serve it, and the kills
take turns between them; the schema is dropped afterwards (kept with --keep).

  --kills N   SIGKILLs during the traffic, 1 to 1000 (default 20; 5 with --quick)
  --seed S    the seed of the network, the answers and the kill timing, 0 to 4294967295 (default 1)
  --quick     a short run for CI: 5 kills, 12 people, 4 at a time
  --time-limit S  seconds the run may take, 10 to 3600 (default 55 with --quick, else 120 + 15 per kill);
              give more on a busy machine
  --keep      keep the temporary folder (database, server output) for inspection
  --database  sqlite (default) or postgres (needs TEST_DATABASE_URL; the default time limit is tripled)
  --help      show this help

Exit codes: 0 every check passed, 1 a check failed (or the run could not finish), 2 bad arguments.`;

export interface FaultsOptions {
  /** PostgreSQL (TEST_DATABASE_URL) with two processes, instead of a SQLite file. */
  postgres: boolean;
  kills: number;
  seed: number;
  quick: boolean;
  /** How long the run may take before it counts as failed. */
  timeLimitMs: number;
  keep: boolean;
}

function wholeNumber(flag: string, raw: string | boolean | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got "${String(raw)}")`);
  return value;
}

/** The command line as options, or 'help'; a UsageError saying what is wrong otherwise. */
export function parseFaultsOptions(argv: readonly string[]): FaultsOptions | 'help' {
  const { values } = parseCommandLine(
    argv,
    { kills: { type: 'string' }, seed: { type: 'string' }, quick: { type: 'boolean' }, 'time-limit': { type: 'string' }, keep: { type: 'boolean' }, database: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    false,
  );
  if (values.help === true) return 'help';
  const quick = values.quick === true;
  const kills = wholeNumber('--kills', values.kills, 1, 1000) ?? (quick ? 5 : 20);
  const seconds = wholeNumber('--time-limit', values['time-limit'], 10, 3600);
  const database = values.database ?? 'sqlite';
  if (database !== 'sqlite' && database !== 'postgres') throw new UsageError(`--database must be sqlite or postgres (got "${String(database)}")`);
  const postgres = database === 'postgres';
  if (postgres && (process.env.TEST_DATABASE_URL ?? '') === '') {
    throw new UsageError('--database postgres needs TEST_DATABASE_URL, a PostgreSQL database to make a schema in (e.g. postgres://icmap@127.0.0.1:5432/icmap_test)');
  }
  // Two processes start (and restart) on one machine and talk to a database server: more room by default.
  const defaultLimitMs = (quick ? 55_000 : 120_000 + kills * 15_000) * (postgres ? 3 : 1);
  return {
    postgres,
    kills,
    seed: wholeNumber('--seed', values.seed, 0, 4_294_967_295) ?? 1,
    quick,
    timeLimitMs: seconds !== undefined ? seconds * 1000 : defaultLimitMs,
    keep: values.keep === true,
  };
}
