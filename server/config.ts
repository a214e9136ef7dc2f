/** Runtime configuration: read from the environment once, validated with zod, with messages that name the bad variable. */
import path from 'node:path';
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const environmentSchema = z.object({
  PORT: z.coerce
    .number({ message: 'must be a whole number between 0 and 65535' })
    .int('must be a whole number between 0 and 65535')
    .min(0, 'must be a whole number between 0 and 65535')
    .max(65535, 'must be a whole number between 0 and 65535')
    .default(3000),
  HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  DATABASE_PATH: z.string().trim().min(1, 'must not be empty').default('data/icmap.sqlite'),
  MAPS_DIR: z.string().trim().min(1, 'must not be empty').default('data/maps'),
  LOG_LEVEL: z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }).default('info'),
});

export interface Config {
  port: number;
  host: string;
  /** A file path, or ":memory:" for a throw-away database (tests). */
  databasePath: string;
  mapsDir: string;
  logLevel: (typeof logLevels)[number];
  /** Pretty, human-readable logs (a terminal) instead of JSON lines. */
  prettyLogs: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Builds the configuration from environment variables; an empty variable counts as unset. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: { cwd?: string; isTerminal?: boolean } = {},
): Config {
  const cwd = options.cwd ?? process.cwd();
  const present = Object.fromEntries(
    Object.keys(environmentSchema.shape).flatMap((key) => {
      const value = env[key];
      return value === undefined || value === '' ? [] : [[key, value]];
    }),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      return `  ${key}=${JSON.stringify(present[key])}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const values = parsed.data;
  return {
    port: values.PORT,
    host: values.HOST,
    databasePath:
      values.DATABASE_PATH === ':memory:' ? ':memory:' : path.resolve(cwd, values.DATABASE_PATH),
    mapsDir: path.resolve(cwd, values.MAPS_DIR),
    logLevel: values.LOG_LEVEL,
    prettyLogs: options.isTerminal ?? process.stdout.isTTY,
  };
}
