import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.js';

const cwd = '/srv/icmap';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({}, { cwd, isTerminal: false });
    expect(config).toEqual({
      port: 3000,
      host: '127.0.0.1',
      databasePath: path.join(cwd, 'data/icmap.sqlite'),
      databaseUrl: undefined,
      databasePoolSize: 10,
      databaseSchema: undefined,
      databaseBusyTimeoutMs: 5000,
      mapsDir: path.join(cwd, 'data/maps'),
      logLevel: 'info',
      prettyLogs: false,
      publicUrl: undefined,
      trustProxy: false,
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 15_000,
      keepAliveTimeoutMs: 72_000,
      minGroupSize: 3,
      signInLimitPerMinute: 10,
      metricsToken: undefined,
      slowQueryMs: 500,
      loadShedding: { maxEventLoopDelayMs: 1000, maxEventLoopUtilization: 0, sampleIntervalMs: 1000 },
      initialAdmin: undefined,
      notices: [],
    });
  });

  it('reads the operations settings: metrics token, slow-query threshold, load-shedding thresholds', () => {
    const config = loadConfig(
      { METRICS_TOKEN: 'a-scraper-token-0123456789', SLOW_QUERY_MS: '0', MAX_EVENT_LOOP_DELAY_MS: '250', MAX_EVENT_LOOP_UTILIZATION: '0.95' },
      { cwd },
    );
    expect(config).toMatchObject({
      metricsToken: 'a-scraper-token-0123456789',
      slowQueryMs: 0,
      loadShedding: { maxEventLoopDelayMs: 250, maxEventLoopUtilization: 0.95 },
    });
  });

  it('never prints the metrics token in an error', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short secret' }, { cwd })).toThrow('METRICS_TOKEN=(hidden): must be at least 16 characters');
  });

  it('reads the unattended-install admin and the proxy settings', () => {
    const config = loadConfig(
      {
        ICMAP_ADMIN_EMAIL: 'hub@example.org',
        ICMAP_ADMIN_PASSWORD: 'a long passphrase',
        ICMAP_NETWORK_NAME: 'North Texas Network',
        TRUST_PROXY: 'true',
        PUBLIC_URL: 'https://icmap.example.org/',
      },
      { cwd },
    );
    expect(config.initialAdmin).toEqual({ email: 'hub@example.org', password: 'a long passphrase', networkName: 'North Texas Network' });
    // "true" once trusted every X-Forwarded-For; it now means one proxy hop, and says so at start-up.
    expect(config.trustProxy).toBe(1);
    expect(config.notices).toEqual([expect.stringContaining('TRUST_PROXY=true now means one reverse proxy')]);
    expect(config.publicUrl).toBe('https://icmap.example.org');
  });

  it.each([
    ['false', false],
    ['0', false],
    ['1', 1],
    ['2', 2],
    ['10.0.0.5', ['10.0.0.5']],
    ['10.0.0.0/8, 192.168.1.4', ['10.0.0.0/8', '192.168.1.4']],
    ['loopback,::1', ['loopback', '::1']],
  ])('TRUST_PROXY=%s is trusted as %o', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }, { cwd }).trustProxy).toEqual(expected);
  });

  it('warns at start-up in production when PUBLIC_URL is unset (links would follow the Host header)', () => {
    expect(loadConfig({ NODE_ENV: 'production' }, { cwd }).notices).toEqual([expect.stringContaining('PUBLIC_URL is not set')]);
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://icmap.example.org' }, { cwd }).notices).toEqual([]);
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '10000' }, { cwd })).toThrow('HEADERS_TIMEOUT_MS must not be longer than REQUEST_TIMEOUT_MS');
  });

  it('wants both admin variables or neither', () => {
    expect(() => loadConfig({ ICMAP_ADMIN_EMAIL: 'hub@example.org' }, { cwd })).toThrow(
      'ICMAP_ADMIN_EMAIL and ICMAP_ADMIN_PASSWORD go together',
    );
  });

  it('never prints the admin password in an error', () => {
    expect(() => loadConfig({ ICMAP_ADMIN_EMAIL: 'hub@example.org', ICMAP_ADMIN_PASSWORD: 'short' }, { cwd })).toThrow(
      'ICMAP_ADMIN_PASSWORD=(hidden): must be at least 10 characters',
    );
  });

  it('reads every variable, resolving paths against the working directory', () => {
    const config = loadConfig(
      { PORT: '8080', HOST: '0.0.0.0', DATABASE_PATH: 'var/db.sqlite', DATABASE_BUSY_TIMEOUT_MS: '250', MAPS_DIR: '/maps', LOG_LEVEL: 'debug' },
      { cwd, isTerminal: true },
    );
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databasePath: '/srv/icmap/var/db.sqlite',
      databaseBusyTimeoutMs: 250,
      mapsDir: '/maps',
      logLevel: 'debug',
      prettyLogs: true,
    });
  });

  it('selects PostgreSQL with DATABASE_URL, with its pool size and schema', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://icmap:secret@db.example.org:5432/icmap', DATABASE_POOL_SIZE: '20', DATABASE_SCHEMA: 'icmap_hub' }, { cwd });
    expect(config).toMatchObject({ databaseUrl: 'postgres://icmap:secret@db.example.org:5432/icmap', databasePoolSize: 20, databaseSchema: 'icmap_hub' });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db.example.org/icmap' }, { cwd }).databaseUrl).toBe('postgresql://db.example.org/icmap');
  });

  it('refuses a DATABASE_URL that is not PostgreSQL without showing it (it may hold a password)', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://icmap:secret@db.example.org/icmap' }, { cwd })).toThrow(
      'DATABASE_URL=(hidden): must be a PostgreSQL URL such as postgres://icmap@db.example.org:5432/icmap',
    );
    expect(() => loadConfig({ DATABASE_URL: 'mysql://icmap:secret@db.example.org/icmap' }, { cwd })).not.toThrow(/secret/);
  });

  it('keeps ":memory:" as an in-memory database rather than a file path', () => {
    expect(loadConfig({ DATABASE_PATH: ':memory:' }, { cwd }).databasePath).toBe(':memory:');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' }, { cwd }).port).toBe(3000);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT="eighty": must be a whole number between 0 and 65535'],
    [{ DATABASE_BUSY_TIMEOUT_MS: '-1' }, 'DATABASE_BUSY_TIMEOUT_MS="-1": must be a whole number of milliseconds from 0 to 60000'],
    [{ PORT: '70000' }, 'PORT="70000": must be a whole number between 0 and 65535'],
    [{ PORT: '3000.5' }, 'PORT="3000.5": must be a whole number between 0 and 65535'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud": must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ HOST: '   ' }, 'HOST="   ": must not be empty'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY="yes": must be false, a number of proxy hops'],
    [{ TRUST_PROXY: '11' }, 'TRUST_PROXY="11": must be false, a number of proxy hops'],
    [{ TRUST_PROXY: '10.0.0.5, evil' }, 'TRUST_PROXY="10.0.0.5, evil": must be false, a number of proxy hops'],
    [{ REQUEST_TIMEOUT_MS: '10' }, 'REQUEST_TIMEOUT_MS="10": must be a whole number of milliseconds from 1000 to 600000'],
    [{ MIN_GROUP_SIZE: '0' }, 'MIN_GROUP_SIZE="0": must be a whole number from 1 to 50'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE="0": must be a whole number from 1 to 200'],
    [{ DATABASE_SCHEMA: 'Icmap; drop' }, 'DATABASE_SCHEMA="Icmap; drop": must be a PostgreSQL schema name'],
    [{ PUBLIC_URL: 'icmap.example.org' }, 'PUBLIC_URL="icmap.example.org": must be an http(s) URL'],
    [{ SLOW_QUERY_MS: 'slow' }, 'SLOW_QUERY_MS="slow": must be a whole number of milliseconds from 0 to 600000'],
    [{ MAX_EVENT_LOOP_DELAY_MS: '-5' }, 'MAX_EVENT_LOOP_DELAY_MS="-5": must be a whole number of milliseconds from 0 to 60000'],
    [{ MAX_EVENT_LOOP_UTILIZATION: '1.5' }, 'MAX_EVENT_LOOP_UTILIZATION="1.5": must be a number from 0 to 1'],
    [{ ICMAP_ADMIN_EMAIL: 'not-an-email', ICMAP_ADMIN_PASSWORD: 'long enough pass' }, 'ICMAP_ADMIN_EMAIL="not-an-email": must be an email address'],
  ])('rejects %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env, { cwd })).toThrow(ConfigError);
    expect(() => loadConfig(env, { cwd })).toThrow(message);
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' }, { cwd })).toThrow(/PORT="x".*\n.*LOG_LEVEL="y"/);
  });
});
