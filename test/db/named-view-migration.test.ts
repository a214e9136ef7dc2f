/**
 * Migration 0006: named view moves from the group to each check, and nothing already given
 * anonymously becomes named: a group's old "show names" switch reaches no check, closed or open.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import type { DatabaseHandle } from '../../server/db/connection.js';
import { migrateToLatest, migratorFor } from '../../server/db/migrator.js';
import { openTestDatabase } from '../helpers.js';

let handle: DatabaseHandle | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

describe('migration 0006: named view per check', () => {
  it('existing group-wide named flags carry to no check (closed or open), are noted in the audit log, and the group column goes', async () => {
    handle = await openTestDatabase();
    const db = handle.db;
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0006'));
    const { error } = await (await migratorFor(db, before)).migrateToLatest();
    expect(error).toBeUndefined();

    await sql`insert into people (id, email, name) values (1, 'fay@example.test', 'Fay')`.execute(db);
    await sql`insert into districts (id, name) values (1, 'North')`.execute(db);
    await sql`insert into sites (id, district_id, name) values (1, 1, 'Elm')`.execute(db);
    await sql`insert into groups (id, name, role_key, site_id, shows_names) values (1, 'Named team', 'improvement-team', 1, 1), (2, 'Quiet team', 'improvement-team', 1, 0)`.execute(db);
    await sql`insert into progress_checks (id, name, map_id, map_version, opens_on, closes_on, closed_at, created_by)
      values (1, 'Closed', 'txnsi', '1', '2026-01-01', '2026-01-31', '2026-01-31T00:00:00Z', 1), (2, 'Open', 'txnsi', '1', '2026-11-01', '2099-01-01', null, 1)`.execute(db);
    await sql`insert into check_groups (check_id, group_id) values (1, 1), (2, 1), (1, 2), (2, 2)`.execute(db);

    expect(await migrateToLatest(db)).toContain('0006_named_view_per_check');

    const parts = await db.selectFrom('check_groups').select(['check_id', 'group_id', 'shows_names']).orderBy('check_id').orderBy('group_id').execute();
    expect(parts).toEqual([
      { check_id: 1, group_id: 1, shows_names: 0 },
      { check_id: 1, group_id: 2, shows_names: 0 },
      { check_id: 2, group_id: 1, shows_names: 0 },
      { check_id: 2, group_id: 2, shows_names: 0 },
    ]);
    await expect(sql`select shows_names from groups`.execute(db)).rejects.toThrow(/no such column: shows_names|column "shows_names" does not exist/);
    const audit = await db.selectFrom('audit_events').select(['action', 'subject', 'actor_id']).execute();
    expect(audit).toEqual([{ action: 'group.named-view-retired', subject: 'group:1', actor_id: null }]);
  });
});
