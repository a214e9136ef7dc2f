/** The prepared-statement cache under Kysely: statements are reused, never while busy, and the cache stays bounded. */
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers.js';
import { withStatementCache } from '../../server/db/statement-cache.js';

let sqlite: SQLite.Database;

beforeEach(() => {
  sqlite = new SQLite(':memory:');
  sqlite.exec('create table numbers (n integer); insert into numbers values (1), (2), (3)');
});

afterEach(() => {
  if (sqlite.open) sqlite.close();
});

// SQLite only: on PostgreSQL the pg driver and the server keep their own prepared statements.
describe.skipIf(onPostgres)('withStatementCache', () => {
  it('hands back the same prepared statement for the same SQL, and answers correctly with new parameters', () => {
    const cached = withStatementCache(sqlite);
    const first = cached.prepare('select n from numbers where n > ?');
    const again = cached.prepare('select n from numbers where n > ?');
    expect(again).toBe(first);
    expect(again.all([1])).toEqual([{ n: 2 }, { n: 3 }]);
    expect(first.all([2])).toEqual([{ n: 3 }]);
  });

  it('prepares a fresh statement while the kept one is still being iterated (a streamed query)', () => {
    const cached = withStatementCache(sqlite);
    const streaming = cached.prepare('select n from numbers order by n');
    const rows = streaming.iterate([]);
    expect(rows.next().value).toEqual({ n: 1 });
    const meanwhile = cached.prepare('select n from numbers order by n');
    expect(meanwhile).not.toBe(streaming);
    expect(meanwhile.all([])).toHaveLength(3);
    expect([...rows]).toEqual([{ n: 2 }, { n: 3 }]);
  });

  it('starts afresh once it holds its capacity of distinct queries', () => {
    const cached = withStatementCache(sqlite, 2);
    const one = cached.prepare('select 1');
    cached.prepare('select 2');
    expect(cached.prepare('select 1')).toBe(one);
    cached.prepare('select 3'); // full: the cache is emptied, then holds "select 3"
    expect(cached.prepare('select 1')).not.toBe(one);
  });

  it('closes the database with the cache', () => {
    const cached = withStatementCache(sqlite);
    cached.prepare('select 1');
    cached.close();
    expect(sqlite.open).toBe(false);
  });
});
