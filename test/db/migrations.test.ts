import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/connection.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import { onPostgres, openTestDatabase, SQLITE_ONLY } from '../helpers.js';

let handle: DatabaseHandle | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

describe('migrations', () => {
  it('run every migration on an empty database, then nothing on a second run', async () => {
    handle = await openTestDatabase();
    const first = await migrateToLatest(handle.db);
    expect(first).toEqual(Object.keys(migrations));
    expect(await migrateToLatest(handle.db)).toEqual([]);
  });

  it.skipIf(!onPostgres)('on PostgreSQL, look at their own schema only, not at other installs in the same database (PostgreSQL only)', async () => {
    // Kysely's own introspector read every schema's columns, so another schema's migration committing a
    // dropped column at that moment failed this one ("column … does not exist"; seen in CI with test
    // apps migrating side by side). The migrator's question, "does kysely_migration exist here?", needs
    // this schema only.
    const other = await openTestDatabase();
    try {
      await sql`create table busy_elsewhere (a integer, b integer)`.execute(other.db);
      handle = await openTestDatabase();
      expect(await migrateToLatest(handle.db)).toEqual(Object.keys(migrations));
      const tables = await handle.db.introspection.getTables({ withInternalKyselyTables: true });
      expect(tables.map((table) => table.name)).toContain('kysely_migration');
      expect(tables.map((table) => table.name)).toContain('groups');
      expect(tables.map((table) => table.name)).not.toContain('busy_elsewhere');
      expect(new Set(tables.map((table) => table.schema)).size).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('leave a schema whose foreign keys are enforced and consistent', async () => {
    handle = await openTestDatabase();
    await migrateToLatest(handle.db);
    if (!onPostgres) {
      const { rows: violations } = await sql`pragma foreign_key_check`.execute(handle.db);
      expect(violations).toEqual([]);
    }
    await expect(
      handle.db.insertInto('sites').values({ district_id: 999, name: 'Orphan school', archived_at: null }).execute(),
    ).rejects.toThrow(/FOREIGN KEY constraint failed|violates foreign key constraint/);
  });

  it('keep a group at one place only: a district or a site, never both', async () => {
    handle = await openTestDatabase();
    await migrateToLatest(handle.db);
    const district = await handle.db.insertInto('districts').values({ name: 'North', archived_at: null }).returning('id').executeTakeFirstOrThrow();
    const site = await handle.db
      .insertInto('sites')
      .values({ district_id: district.id, name: 'Elm Middle', archived_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      handle.db
        .insertInto('groups')
        .values({ name: 'Both', role_key: 'improvement-team', district_id: district.id, site_id: site.id, archived_at: null })
        .execute(),
    ).rejects.toThrow(/CHECK constraint failed|violates check constraint/);
  });
});

describe.skipIf(onPostgres)(`openDatabase on a SQLite file (${SQLITE_ONLY}: pragmas)`, () => {
  it('uses WAL, full synchronous commits, foreign keys and a busy timeout', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-db-'));
    handle = openDatabase(path.join(directory, 'nested', 'icmap.sqlite'));
    const pragma = async (name: string): Promise<unknown> => {
      const { rows } = await sql.raw(`pragma ${name}`).execute(handle!.db);
      return Object.values(rows[0] as Record<string, unknown>)[0];
    };
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2);
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
  });
});
