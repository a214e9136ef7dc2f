import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAccessScope } from '../../server/access/load-scope.js';
import type { AccessScope } from '../../server/access/scope.js';
import { saveConsensusVersion } from '../../server/repositories/consensus.js';
import { findPerson } from '../../server/repositories/people.js';
import { openCheckAgreement } from '../../server/repositories/reports.js';
import { openCheck } from '../../server/services/progress-checks.js';
import { buildNetworkFixture, type NetworkFixture } from '../support/network-fixture.js';

const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const CODES = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3', '4.1', '4.2', '4.3', '5.1', '5.2', '5.3'];

let f: NetworkFixture;
let spring = 0;
let adminScope: AccessScope;

async function scopeOf(personId: number): Promise<AccessScope> {
  return loadAccessScope(f.app.db, (await findPerson(f.app.db, personId))!);
}

async function agreeOn(groupId: number, codes: readonly string[]): Promise<void> {
  for (const code of codes) {
    // Through the repository, as the app records consensus: the report summaries count it in the same write.
    await saveConsensusVersion(f.app.db, { checkId: spring, groupId, outcomeCode: code, level: 2, rationale: '', dissent: '', nextStep: '', recordedBy: f.people.admin.id }, 0);
  }
}

beforeAll(async () => {
  f = await buildNetworkFixture();
  adminScope = await scopeOf(f.people.admin.id);
  spring = await openCheck(f.app.db, f.app.maps, { id: f.people.admin.id, scope: adminScope }, { name: 'Spring', mapId: 'txnsi', opensOn: day(-3), closesOn: day(10), districtId: null, roleKeys: ['improvement-team'] });
  // Alder's team agreed every outcome; Birch's team agreed three of fifteen.
  await agreeOn(f.groups.teamA1.id, CODES);
  await agreeOn(f.groups.teamB1.id, CODES.slice(0, 3));
});

afterAll(async () => {
  await f.app.close();
});

describe('growth: how far an open check has got (groups of one role with every outcome agreed)', () => {
  const filter = (over: { districtId?: number | null; roleKey?: string } = {}) => ({ checkIds: [spring], roleKey: 'improvement-team', districtId: null, outcomeCount: CODES.length, ...over });

  it('counts the groups taking part and those with every outcome agreed, a partial agreement not counting', async () => {
    expect(await openCheckAgreement(f.app.db, adminScope, filter())).toEqual([{ check_id: spring, groups: 2, groups_agreed: 1 }]);
  });

  it('narrows to the chosen district', async () => {
    expect(await openCheckAgreement(f.app.db, adminScope, filter({ districtId: f.districts.A.id }))).toEqual([{ check_id: spring, groups: 1, groups_agreed: 1 }]);
    expect(await openCheckAgreement(f.app.db, adminScope, filter({ districtId: f.districts.B.id }))).toEqual([{ check_id: spring, groups: 1, groups_agreed: 0 }]);
  });

  it('counts only the groups the viewer may see, and only the role asked for', async () => {
    const leaderA = await scopeOf(f.people.districtLeaderA.id);
    expect(await openCheckAgreement(f.app.db, leaderA, filter())).toEqual([{ check_id: spring, groups: 1, groups_agreed: 1 }]);
    expect(await openCheckAgreement(f.app.db, adminScope, filter({ roleKey: 'school-leader' }))).toEqual([]);
    expect(await openCheckAgreement(f.app.db, adminScope, { ...filter(), checkIds: [] })).toEqual([]);
  });
});
