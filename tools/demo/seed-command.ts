/** What `npm run demo:seed` does, without the process around it: parse the command line, refuse a wrong target, generate, report. */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { describeArgsError } from '../../server/cli/args.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { MapCatalog } from '../../server/maps/catalog.js';
import { loadMapsFromDirectory, MapLoadError } from '../../server/maps/loader.js';
import { todayUtc } from '../../server/services/progress-checks.js';
import { generateNetwork, openBulkDatabase, removeDatabaseFiles, type OnProgress } from './generate.js';
import { describeCounts, describePersonas, formatNumber } from './report.js';

export const USAGE = `Usage: npm run demo:seed -- --db FILE [--sites N] [--checks N] [--seed S] [--today YYYY-MM-DD] [--force]

  --db FILE      the SQLite database file to create (required; never ICMap's own database)
  --sites N      schools in the network, 1 to 20000 (default 8)
  --checks N     progress checks four months apart, the newest open on --today, 1 to 40 (default 3)
  --seed S       the generator's seed, 0 to 4294967295 (default 1); the same seed and --today
                 give the same database
  --today DATE   the day the newest check is open on, YYYY-MM-DD (default: today in UTC)
  --force        delete FILE first if it already holds data
  --help         show this help`;

/** A bad command line or a refusal: the message, the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const wholeNumber = (flag: string, min: number, max: number) => {
  const message = `${flag} must be a whole number from ${min} to ${max}`;
  return z.string().regex(/^\d+$/, message).transform(Number).pipe(z.number().int(message).min(min, message).max(max, message));
};

const optionsSchema = z.object({
  db: z.string({ message: '--db FILE is required: the SQLite database file to create' }).trim().min(1, '--db needs a file name'),
  sites: wholeNumber('--sites', 1, 20_000).default(8),
  checks: wholeNumber('--checks', 1, 40).default(3),
  seed: wholeNumber('--seed', 0, 4_294_967_295).default(1),
  today: z.iso.date({ message: '--today must be a real date written YYYY-MM-DD' }).optional(),
  force: z.boolean().default(false),
});

export type SeedOptions = z.output<typeof optionsSchema>;

const SEED_OPTIONS = {
  db: { type: 'string' },
  sites: { type: 'string' },
  checks: { type: 'string' },
  seed: { type: 'string' },
  today: { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The command line as options, or 'help'; a UsageError saying what is wrong otherwise. */
export function parseSeedOptions(argv: readonly string[]): SeedOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: SEED_OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(describeArgsError(error, argv, SEED_OPTIONS));
  }
  if (values.help === true) return 'help';
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const raw = values[key];
      return typeof raw === 'string' ? `${issue.message} (got "${raw}")` : issue.message;
    });
    throw new UsageError([...new Set(lines)].join('\n'));
  }
  return parsed.data;
}

/** A line every few seconds, and one at the end of each phase: phase, done/total, rate. */
function progressPrinter(started: number, print: (line: string) => void): OnProgress {
  let phase = '';
  let phaseStarted = started;
  let lastLine = started;
  return (report) => {
    const now = Date.now();
    if (report.phase !== phase) {
      phase = report.phase;
      phaseStarted = now;
    }
    const finished = report.done === report.total && report.total > 0;
    if (!finished && (report.done === 0 || now - lastLine < 3000)) return;
    lastLine = now;
    const seconds = (now - started) / 1000;
    const rate = report.done / Math.max(0.001, (now - phaseStarted) / 1000);
    print(`[${seconds.toFixed(1).padStart(7)}s] ${report.phase}: ${formatNumber(report.done)}/${formatNumber(report.total)} (${formatNumber(Math.round(rate))}/s)`);
  };
}

/**
 * Runs demo:seed for a command line, printing what it does. `env` gives DATABASE_PATH and MAPS_DIR,
 * the only two settings that matter here, so an unrelated bad variable does not stop a seed run.
 */
export async function seedCommand(argv: readonly string[], env: { DATABASE_PATH?: string | undefined; MAPS_DIR?: string | undefined }, print: (line: string) => void): Promise<void> {
  const options = parseSeedOptions(argv);
  if (options === 'help') {
    print(USAGE);
    return;
  }
  const config = loadConfig({ DATABASE_PATH: env.DATABASE_PATH, MAPS_DIR: env.MAPS_DIR }, { isTerminal: false });
  const file = path.resolve(options.db);
  if (file === config.databasePath) {
    throw new UsageError(`--db ${options.db} is ICMap's own database (DATABASE_PATH). Give the demo a file of its own.`);
  }
  const existing = fs.statSync(file, { throwIfNoEntry: false });
  if (existing?.isDirectory() === true) throw new UsageError(`--db ${options.db} is a folder; give a file name.`);
  if (existing !== undefined && existing.size > 0 && !options.force) {
    throw new UsageError(`${options.db} already exists and holds data. Choose another file, or add --force to delete it and start again.`);
  }
  const catalog = new MapCatalog(loadMapsFromDirectory(config.mapsDir));
  removeDatabaseFiles(file);

  const today = options.today ?? todayUtc();
  const started = Date.now();
  print(`Generating ${formatNumber(options.sites)} sites and ${options.checks} progress checks (seed ${options.seed}, today ${today}) into ${options.db}`);
  const { db, close } = openBulkDatabase(file);
  let result;
  try {
    result = await generateNetwork(db, { sites: options.sites, checks: options.checks, seed: options.seed, today, catalog }, progressPrinter(started, print));
  } finally {
    await close();
  }
  const seconds = (Date.now() - started) / 1000;
  const peakMegabytes = process.resourceUsage().maxRSS / 1024;
  print(`\nDone in ${seconds.toFixed(1)} s (peak memory ${peakMegabytes.toFixed(0)} MB): ${options.db}`);
  for (const line of describeCounts(result.counts)) print(`  ${line}`);
  print('');
  for (const line of describePersonas(result.personas)) print(line);
  print(`\nServe it with: DATABASE_PATH=${options.db} npm start`);
}

/** How a failed run is told and what it exits with: a bad command line, a refusal or bad settings exit 2 (with the usage for the first two), anything else 1. */
export function seedFailure(error: unknown): { exitCode: 1 | 2; message: unknown } {
  if (error instanceof UsageError) return { exitCode: 2, message: `demo:seed: ${error.message}\n\n${USAGE}` };
  if (error instanceof ConfigError || error instanceof MapLoadError) return { exitCode: 2, message: error.message };
  return { exitCode: 1, message: error };
}
