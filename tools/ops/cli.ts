/** The command-line frame of the ops tools: strict option parsing, and exit codes 0 (done), 1 (failed), 2 (bad arguments). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeArgsError } from '../../server/cli/args.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { OpsError, UsageError } from './sqlite-files.js';

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** node:util parseArgs, with its errors turned into short UsageErrors ("unknown option --colour", "--db needs a value"). */
export function parseCommandLine(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals: boolean): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new UsageError(describeArgsError(error, argv, options));
  }
}

/**
 * DATABASE_PATH as ICMap resolves it; only the database variables are read, so an unrelated bad one
 * does not stop an ops tool. The tools copy SQLite files: with DATABASE_URL (PostgreSQL) they refuse
 * and point at PostgreSQL's own tools.
 */
export function configuredDatabasePath(): string {
  const config = loadConfig({ DATABASE_PATH: process.env.DATABASE_PATH, DATABASE_URL: process.env.DATABASE_URL }, { isTerminal: false });
  if (config.databaseUrl !== undefined) {
    throw new OpsError(
      'this tool is for the SQLite database, and DATABASE_URL names a PostgreSQL server: back it up with pg_dump and restore it with pg_restore (README, "Running on PostgreSQL"). Nothing was done.',
    );
  }
  return config.databasePath;
}

/** How a tool's failure is told and what it exits with: usage problems print the usage and exit 2, failures exit 1. */
export function failureOutcome(name: string, usage: string, error: unknown): { exitCode: 1 | 2; message: unknown[] } {
  if (error instanceof UsageError) return { exitCode: 2, message: [`${name}: ${error.message}\n\n${usage}`] };
  if (error instanceof ConfigError) return { exitCode: 2, message: [error.message] };
  if (error instanceof OpsError) return { exitCode: 1, message: [`${name}: ${error.message}`] };
  return { exitCode: 1, message: [`${name} failed:`, error] };
}

/** Runs a tool's main (which may set process.exitCode itself); a failure is told on stderr and sets the exit code (see failureOutcome). */
export function runCli(name: string, usage: string, main: () => Promise<void>): void {
  main().then(
    () => undefined,
    (error: unknown) => {
      const { exitCode, message } = failureOutcome(name, usage, error);
      console.error(...message);
      process.exitCode = exitCode;
    },
  );
}
