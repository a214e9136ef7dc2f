/** The command line of `npm run test:faults`: its usage and its parsing, apart from the harness so they can be tested in-process. */
import { parseCommandLine } from './cli.js';
import { UsageError } from './sqlite-files.js';

export const USAGE = `Usage: npm run test:faults -- [--kills N] [--seed S] [--quick] [--time-limit S] [--keep]

Starts ICMap on a throw-away demo database, drives self-assessment saves and submissions
over HTTP, SIGKILLs and restarts the server N times meanwhile, then checks the database:
every acknowledged submission present exactly once with its answers, nothing half-written,
PRAGMA integrity_check ok.

  --kills N   SIGKILLs during the traffic, 1 to 1000 (default 20; 5 with --quick)
  --seed S    the seed of the network, the answers and the kill timing, 0 to 4294967295 (default 1)
  --quick     a short run for CI: 5 kills, 12 people, 4 at a time
  --time-limit S  seconds the run may take, 10 to 3600 (default 55 with --quick, else 120 + 15 per kill);
              give more on a busy machine
  --keep      keep the temporary folder (database, server output) for inspection
  --help      show this help

Exit codes: 0 every check passed, 1 a check failed (or the run could not finish), 2 bad arguments.`;

export interface FaultsOptions {
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
    { kills: { type: 'string' }, seed: { type: 'string' }, quick: { type: 'boolean' }, 'time-limit': { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    false,
  );
  if (values.help === true) return 'help';
  const quick = values.quick === true;
  const kills = wholeNumber('--kills', values.kills, 1, 1000) ?? (quick ? 5 : 20);
  const seconds = wholeNumber('--time-limit', values['time-limit'], 10, 3600);
  return {
    kills,
    seed: wholeNumber('--seed', values.seed, 0, 4_294_967_295) ?? 1,
    quick,
    timeLimitMs: seconds !== undefined ? seconds * 1000 : quick ? 55_000 : 120_000 + kills * 15_000,
    keep: values.keep === true,
  };
}
