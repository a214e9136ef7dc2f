import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAccessScope } from '../../server/access/load-scope.js';
import { findPerson } from '../../server/repositories/people.js';
import { archiveThing } from '../../server/services/organisation.js';
import { openCheck } from '../../server/services/progress-checks.js';
import { buildNetworkFixture, type NetworkFixture } from '../support/network-fixture.js';
import { utcDay } from './helpers.js';

let f: NetworkFixture;
beforeAll(async () => {
  f = await buildNetworkFixture();
  await archiveThing(f.app.db, f.people.admin.id, 'district', f.districts.B.id, true);
});
afterAll(async () => {
  await f.app.close();
});

describe('archived places and progress checks', () => {
  it('leaves the groups of an archived district out of a network check', async () => {
    const admin = await findPerson(f.app.db, f.people.admin.id);
    const actor = { id: f.people.admin.id, scope: await loadAccessScope(f.app.db, admin!) };
    const id = await openCheck(f.app.db, f.app.maps, actor, {
      name: 'Spring', mapId: 'txnsi', opensOn: utcDay(0), closesOn: utcDay(14), districtId: null, roleKeys: ['improvement-team'],
    });
    const groups = await f.app.db.selectFrom('check_groups').select('group_id').where('check_id', '=', id).execute();
    expect(groups.map((row) => row.group_id)).toEqual([f.groups.teamA1.id]);
  });

  it('refuses a check for an archived district: no group can take part', async () => {
    const admin = await findPerson(f.app.db, f.people.admin.id);
    const actor = { id: f.people.admin.id, scope: await loadAccessScope(f.app.db, admin!) };
    await expect(
      openCheck(f.app.db, f.app.maps, actor, { name: 'B only', mapId: 'txnsi', opensOn: utcDay(0), closesOn: utcDay(14), districtId: f.districts.B.id, roleKeys: ['improvement-team'] }),
    ).rejects.toThrow('No active group of the chosen roles');
  });
});
