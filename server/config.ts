/** Runtime configuration: read from the environment once, validated with zod, with messages that name the bad variable. */
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_BUSY_TIMEOUT_MS } from './db/connection.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './services/passwords.js';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * How far to trust X-Forwarded-For: not at all (false), a number of proxy hops in front of ICMap,
 * or the proxies' own addresses or CIDR ranges. Never "everyone": a client could then name any
 * address it likes and the per-address sign-in limit would never apply.
 */
export type TrustProxy = false | number | string[];

const TRUST_PROXY_MESSAGE = 'must be false, a number of proxy hops (1 for one reverse proxy), or a comma-separated list of proxy addresses or CIDR ranges';

function parseTrustProxy(value: string): TrustProxy | undefined {
  if (value === 'false' || value === '0') return false;
  // "true" used to trust every address; it now means the usual single reverse proxy.
  if (value === 'true') return 1;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= 10 ? hops : undefined;
  }
  const addresses = value.split(',').map((part) => part.trim());
  const address = /^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)(?:\/\d{1,3})?$/i;
  if (addresses.length === 0 || !addresses.every((part) => address.test(part) || ['loopback', 'linklocal', 'uniquelocal'].includes(part))) return undefined;
  return addresses;
}

const timeoutMs = (min: number, max: number) => {
  const message = `must be a whole number of milliseconds from ${min} to ${max}`;
  return z.coerce.number({ message }).int(message).min(min, message).max(max, message);
};

const environmentSchema = z.object({
  PORT: z.coerce
    .number({ message: 'must be a whole number between 0 and 65535' })
    .int('must be a whole number between 0 and 65535')
    .min(0, 'must be a whole number between 0 and 65535')
    .max(65535, 'must be a whole number between 0 and 65535')
    .default(3000),
  HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  DATABASE_PATH: z.string().trim().min(1, 'must not be empty').default('data/icmap.sqlite'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, message: 'must be a PostgreSQL URL such as postgres://icmap@db.example.org:5432/icmap' })
    .optional(),
  DATABASE_POOL_SIZE: z.coerce
    .number({ message: 'must be a whole number from 1 to 200' })
    .int('must be a whole number from 1 to 200')
    .min(1, 'must be a whole number from 1 to 200')
    .max(200, 'must be a whole number from 1 to 200')
    .default(10),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a PostgreSQL schema name: lower-case letters, digits and _, not starting with a digit')
    .optional(),
  DATABASE_BUSY_TIMEOUT_MS: z.coerce
    .number({ message: 'must be a whole number of milliseconds from 0 to 60000' })
    .int('must be a whole number of milliseconds from 0 to 60000')
    .min(0, 'must be a whole number of milliseconds from 0 to 60000')
    .max(60_000, 'must be a whole number of milliseconds from 0 to 60000')
    .default(DEFAULT_BUSY_TIMEOUT_MS),
  MAPS_DIR: z.string().trim().min(1, 'must not be empty').default('data/maps'),
  LOG_LEVEL: z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }).default('info'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://icmap.example.org' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  TRUST_PROXY: z
    .string()
    .trim()
    .transform((value, context): TrustProxy => {
      const parsed = parseTrustProxy(value);
      if (parsed === undefined) {
        context.addIssue({ code: 'custom', message: TRUST_PROXY_MESSAGE });
        return z.NEVER;
      }
      return parsed;
    })
    .default(false),
  REQUEST_TIMEOUT_MS: timeoutMs(1_000, 600_000).default(60_000),
  HEADERS_TIMEOUT_MS: timeoutMs(500, 120_000).default(15_000),
  KEEP_ALIVE_TIMEOUT_MS: timeoutMs(1_000, 600_000).default(72_000),
  ICMAP_ADMIN_EMAIL: z.email({ message: 'must be an email address' }).optional(),
  ICMAP_ADMIN_PASSWORD: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
    .optional(),
  MIN_GROUP_SIZE: z.coerce
    .number({ message: 'must be a whole number from 1 to 50' })
    .int('must be a whole number from 1 to 50')
    .min(1, 'must be a whole number from 1 to 50')
    .max(50, 'must be a whole number from 1 to 50')
    .default(3),
  SIGN_IN_LIMIT_PER_MINUTE: z.coerce
    .number({ message: 'must be a whole number from 1 to 100000' })
    .int('must be a whole number from 1 to 100000')
    .min(1, 'must be a whole number from 1 to 100000')
    .max(100_000, 'must be a whole number from 1 to 100000')
    .default(10),
  ICMAP_NETWORK_NAME: z.string().trim().min(1).max(200, 'must be at most 200 characters').optional(),
  METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters (e.g. openssl rand -hex 32)')
    .max(200, 'must be at most 200 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable characters without spaces')
    .optional(),
  SLOW_QUERY_MS: z.coerce
    .number({ message: 'must be a whole number of milliseconds from 0 to 600000' })
    .int('must be a whole number of milliseconds from 0 to 600000')
    .min(0, 'must be a whole number of milliseconds from 0 to 600000')
    .max(600_000, 'must be a whole number of milliseconds from 0 to 600000')
    .default(500),
  MAX_EVENT_LOOP_DELAY_MS: z.coerce
    .number({ message: 'must be a whole number of milliseconds from 0 to 60000' })
    .int('must be a whole number of milliseconds from 0 to 60000')
    .min(0, 'must be a whole number of milliseconds from 0 to 60000')
    .max(60_000, 'must be a whole number of milliseconds from 0 to 60000')
    .default(1000),
  MAX_EVENT_LOOP_UTILIZATION: z.coerce
    .number({ message: 'must be a number from 0 to 1' })
    .min(0, 'must be a number from 0 to 1')
    .max(1, 'must be a number from 0 to 1')
    .default(0),
});

export interface Config {
  port: number;
  host: string;
  /** A file path, or ":memory:" for a throw-away database (tests). */
  databasePath: string;
  /** PostgreSQL instead of SQLite: the server's URL (DATABASE_PATH is then unused). */
  databaseUrl: string | undefined;
  /** PostgreSQL: the most connections one ICMap process keeps open. */
  databasePoolSize: number;
  /** PostgreSQL: a schema of ICMap's own inside the database (created if missing); unset: the server's default (public). */
  databaseSchema: string | undefined;
  /** How long a query waits for another connection's lock (a backup, a second process) before the request answers 503. */
  databaseBusyTimeoutMs: number;
  /** Never from the environment (tests): with DATABASE_PATH=:memory:, start as a copy of this SQLite database image, not empty. */
  databaseImage?: Buffer | undefined;
  mapsDir: string;
  logLevel: (typeof logLevels)[number];
  /** Pretty, human-readable logs (a terminal) instead of JSON lines. */
  prettyLogs: boolean;
  /** Where people reach ICMap, for the links it hands out; when unset, taken from each request. */
  publicUrl: string | undefined;
  /** Behind a reverse proxy: which X-Forwarded-* hops to believe (cookies become Secure over HTTPS). */
  trustProxy: TrustProxy;
  /** The whole request, body included, must arrive within this (a slow sender is cut off). */
  requestTimeoutMs: number;
  /** The request's headers must arrive within this. */
  headersTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Things the person starting ICMap should know (logged as warnings at start-up). */
  notices: string[];
  /** Leaders outside a group see its individual placements (as aggregates) only from this many submissions. */
  minGroupSize: number;
  /** Sign-in attempts one address may make per minute (the per-account throttle is separate). */
  signInLimitPerMinute: number;
  /** GET /metrics answers only with this bearer token; unset: no /metrics at all. */
  metricsToken: string | undefined;
  /** Queries taking at least this long are logged as a warning with their request id (0: every query). */
  slowQueryMs: number;
  /** Requests are refused with 503 + Retry-After while the event loop is this saturated (0: that check is off). */
  loadShedding: { maxEventLoopDelayMs: number; maxEventLoopUtilization: number; sampleIntervalMs: number };
  /** Creates the first network admin at start-up, for unattended installs (both or neither). */
  initialAdmin: { email: string; password: string; networkName: string | undefined } | undefined;
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
      const shown = key === 'ICMAP_ADMIN_PASSWORD' || key === 'METRICS_TOKEN' || key === 'DATABASE_URL' ? '(hidden)' : JSON.stringify(present[key]);
      return `  ${key}=${shown}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const values = parsed.data;
  if (values.HEADERS_TIMEOUT_MS > values.REQUEST_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration:\n  HEADERS_TIMEOUT_MS must not be longer than REQUEST_TIMEOUT_MS');
  }
  const notices: string[] = [];
  if (present.TRUST_PROXY === 'true') {
    notices.push('TRUST_PROXY=true now means one reverse proxy in front of ICMap (TRUST_PROXY=1). If there are more, set their number or their addresses.');
  }
  if (values.PUBLIC_URL === undefined && env.NODE_ENV === 'production') {
    notices.push('PUBLIC_URL is not set: invitation and setup links are built from each request\'s Host header, which a client can choose. Set PUBLIC_URL to the address people use.');
  }
  if ((values.ICMAP_ADMIN_EMAIL === undefined) !== (values.ICMAP_ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(
      'Invalid configuration:\n  ICMAP_ADMIN_EMAIL and ICMAP_ADMIN_PASSWORD go together: set both to create the first admin, or neither',
    );
  }
  return {
    port: values.PORT,
    host: values.HOST,
    databasePath:
      values.DATABASE_PATH === ':memory:' ? ':memory:' : path.resolve(cwd, values.DATABASE_PATH),
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    databaseSchema: values.DATABASE_SCHEMA,
    databaseBusyTimeoutMs: values.DATABASE_BUSY_TIMEOUT_MS,
    mapsDir: path.resolve(cwd, values.MAPS_DIR),
    logLevel: values.LOG_LEVEL,
    prettyLogs: options.isTerminal ?? process.stdout.isTTY,
    publicUrl: values.PUBLIC_URL,
    trustProxy: values.TRUST_PROXY,
    requestTimeoutMs: values.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: values.HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: values.KEEP_ALIVE_TIMEOUT_MS,
    minGroupSize: values.MIN_GROUP_SIZE,
    signInLimitPerMinute: values.SIGN_IN_LIMIT_PER_MINUTE,
    metricsToken: values.METRICS_TOKEN,
    slowQueryMs: values.SLOW_QUERY_MS,
    loadShedding: {
      maxEventLoopDelayMs: values.MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: values.MAX_EVENT_LOOP_UTILIZATION,
      sampleIntervalMs: 1000,
    },
    initialAdmin:
      values.ICMAP_ADMIN_EMAIL !== undefined && values.ICMAP_ADMIN_PASSWORD !== undefined
        ? { email: values.ICMAP_ADMIN_EMAIL, password: values.ICMAP_ADMIN_PASSWORD, networkName: values.ICMAP_NETWORK_NAME }
        : undefined,
    notices,
  };
}
