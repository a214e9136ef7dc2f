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

/** DATABASE_PATH as ICMap resolves it; only that variable is read, so an unrelated bad one does not stop an ops tool. */
export function configuredDatabasePath(): string {
  return loadConfig({ DATABASE_PATH: process.env.DATABASE_PATH }, { isTerminal: false }).databasePath;
}

/** Runs a tool's main (which may set process.exitCode itself): usage problems print the usage and exit 2, failures exit 1. */
export function runCli(name: string, usage: string, main: () => Promise<void>): void {
  main().then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`${name}: ${error.message}\n\n${usage}`);
        process.exitCode = 2;
      } else if (error instanceof ConfigError) {
        console.error(error.message);
        process.exitCode = 2;
      } else if (error instanceof OpsError) {
        console.error(`${name}: ${error.message}`);
        process.exitCode = 1;
      } else {
        console.error(`${name} failed:`, error);
        process.exitCode = 1;
      }
    },
  );
}
