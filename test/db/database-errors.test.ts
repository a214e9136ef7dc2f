/** Which database failures mean "busy, try again" (503, nothing saved) and which are faults (500): both databases' codes. */
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../server/db/errors.js';

function failure(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['SQLite busy', failure('database is locked', 'SQLITE_BUSY')],
    ['SQLite busy snapshot', failure('database is locked', 'SQLITE_BUSY_SNAPSHOT')],
    ['SQLite locked', failure('database table is locked', 'SQLITE_LOCKED')],
    ['PostgreSQL serialization failure', failure('could not serialize access', '40001')],
    ['PostgreSQL deadlock', failure('deadlock detected', '40P01')],
    ['PostgreSQL lock timeout', failure('canceling statement due to lock timeout', '55P03')],
    ['PostgreSQL admin shutdown', failure('terminating connection due to administrator command', '57P01')],
    ['PostgreSQL starting up', failure('the database system is starting up', '57P03')],
    ['a standby after fail-over', failure('cannot execute INSERT in a read-only transaction', '25006')],
    ['too many connections', failure('sorry, too many clients already', '53300')],
    ['connection refused', failure('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['pool timeout', failure('timeout exceeded when trying to connect')],
    ['server gone mid-query', failure('Connection terminated unexpectedly')],
    ['every address refused', new AggregateError([failure('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '')],
  ])('%s: busy (503)', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', failure('duplicate key value violates unique constraint', '23505')],
    ['a syntax error', failure('syntax error at or near "selec"', '42601')],
    ['SQLite constraint', failure('UNIQUE constraint failed: people.email', 'SQLITE_CONSTRAINT_UNIQUE')],
    ['a plain bug', new TypeError('Cannot read properties of undefined')],
    ['not an error at all', 'SQLITE_BUSY'],
  ])('%s: a fault (500)', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
