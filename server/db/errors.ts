/**
 * Database failures that mean "not now" rather than "wrong": the request did nothing and may simply be
 * sent again (answered 503 with Retry-After, never 500). Both databases' codes are listed here.
 */

/** PostgreSQL SQLSTATEs: conflicts between transactions, and a server that is busy, starting, stopping or read-only (a fail-over). */
const POSTGRES_TRANSIENT = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout, the busy timeout)
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, or a standby)
  '25006', // read_only_sql_transaction (connected to a standby after a fail-over)
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
]);

/** Node's network errors when the server cannot be reached or drops the connection. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** node-postgres says these in words only (no code): the pool had no free connection in time, or the server went away mid-query. */
const POSTGRES_MESSAGES = [/^timeout exceeded when trying to connect$/i, /^Connection terminated/i, /^Client has encountered a connection error/i];

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // SQLite: another connection (a backup, a second process) held the database past the busy timeout.
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    if (POSTGRES_TRANSIENT.has(code) || NETWORK_CODES.has(code)) return true;
  }
  if (error instanceof AggregateError && error.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  return POSTGRES_MESSAGES.some((pattern) => pattern.test(error.message));
}
