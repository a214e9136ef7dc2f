/**
 * Two membership changes to one group at the same moment (two admins, or two ICMap processes on one
 * PostgreSQL) must leave the report summaries' member count equal to the group's real count. At
 * PostgreSQL's READ COMMITTED a recount running beside another change counted from a snapshot without
 * it, and the recount committed last was short by one. On SQLite the second transaction waits for the
 * first; the test holds there too.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../server/db/connection.js';
import { dialectOf } from '../../server/db/dialect.js';
import { addMember } from '../../server/repositories/organisation.js';
import { createPerson } from '../../server/repositories/people.js';
import { addCheckGroups, createCheck } from '../../server/repositories/progress-checks.js';
import { addDistrict, addGroup, addSite } from '../../server/services/organisation.js';
import { openMigratedTestDatabase } from '../helpers.js';

let handle: DatabaseHandle;
beforeEach(async () => {
  handle = await openMigratedTestDatabase();
});
afterEach(async () => {
  await handle.close();
});

/** Until some statement on this database waits for a lock (the second change, waiting for the first). */
async function waitForALockWait(): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and (query like '%report_check_groups%' or query like '%pg_advisory_xact_lock%')`.execute(handle.db);
    if ((rows[0]?.waiting ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function membersInSummary(groupId: number): Promise<number> {
  const row = await handle.db.selectFrom('report_check_groups').select('members').where('group_id', '=', groupId).executeTakeFirstOrThrow();
  return row.members;
}

describe('member counts in the report summaries', () => {
  it('count both of two members added to one group at the same moment', async () => {
    const { db } = handle;
    const admin = await createPerson(db, { name: 'Ada Admin', email: 'ada@race.test', isNetworkAdmin: true });
    const district = await addDistrict(db, admin, 'Alder District');
    const site = await addSite(db, admin, district, 'Alder Elementary');
    const group = await addGroup(db, admin, { name: 'Alder team', roleKey: 'improvement-team', districtId: district, siteId: site });
    const check = await createCheck(db, { name: 'Fall', mapId: 'm', mapVersion: '1', opensOn: '2026-09-01', closesOn: '2026-12-31', districtId: null, createdBy: admin });
    await addCheckGroups(db, check, [group]);
    const first = await createPerson(db, { name: 'Fay Fisher', email: 'fay@race.test' });
    const second = await createPerson(db, { name: 'Milo Moss', email: 'milo@race.test' });

    // The first change is made and held open while the second starts beside it.
    let letFirstCommit!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (letFirstCommit = resolve));
    let firstMadeItsChange!: () => void;
    const firstChanged = new Promise<void>((resolve) => (firstMadeItsChange = resolve));
    const firstChange = db.transaction().execute(async (trx) => {
      await addMember(trx, group, first, false);
      firstMadeItsChange();
      await firstMayCommit;
    });
    await firstChanged;
    const secondChange = db.transaction().execute(async (trx) => {
      await addMember(trx, group, second, false);
    });
    // On PostgreSQL, let the second change reach the point where it waits for the first (SQLite's
    // second transaction waits for the one connection before it starts).
    if (dialectOf(db) === 'postgres') await waitForALockWait();
    letFirstCommit();
    await Promise.all([firstChange, secondChange]);

    const real = await db.selectFrom('group_members').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', group).executeTakeFirstOrThrow();
    expect(real.n).toBe(2);
    expect(await membersInSummary(group)).toBe(2);
  });
});
