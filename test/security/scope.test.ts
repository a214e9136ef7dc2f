/**
 * Outside a person's part of the network is absent (404), with nothing of it shown: another
 * district's check in the site comparison, closing or reopening it, and the groups of a person
 * that sit outside the viewer's place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMembership } from '../../server/services/organisation.js';
import { openCheck } from '../../server/services/progress-checks.js';
import { loadAccessScope } from '../../server/access/load-scope.js';
import { findPerson } from '../../server/repositories/people.js';
import { checkTables, utcDay } from '../checks/helpers.js';
import { signIn, type Agent } from '../support/http.js';
import { buildNetworkFixture, PASSWORD, type NetworkFixture } from '../support/network-fixture.js';

let f: NetworkFixture;
let leaderA: Agent;
let schoolLeaderA1: Agent;
let checkB: number;
const CHECK_B_NAME = 'Birch secret review';

beforeAll(async () => {
  f = await buildNetworkFixture();
  const admin = (await findPerson(f.app.db, f.people.admin.id))!;
  checkB = await openCheck(f.app.db, f.app.maps, { id: admin.id, scope: await loadAccessScope(f.app.db, admin) }, {
    name: CHECK_B_NAME,
    mapId: 'txnsi',
    opensOn: utcDay(0),
    closesOn: utcDay(14),
    districtId: f.districts.B.id,
    roleKeys: ['improvement-team'],
  });
  // Milo also sits on the Birch team: a leader of Alder must not learn that.
  await addMembership(f.app.db, f.people.admin.id, f.groups.teamB1.id, f.people.memberA1.id, false);
  leaderA = await signIn(f.app, f.people.districtLeaderA.email, PASSWORD, { remoteAddress: '10.66.0.1' });
  schoolLeaderA1 = await signIn(f.app, f.people.schoolLeaderA1.email, PASSWORD, { remoteAddress: '10.66.0.2' });
});
afterAll(async () => {
  await f.app.close();
});

describe('another district’s progress check', () => {
  it('/reports/sites?check= for it answers 404 and never names it', async () => {
    const response = await leaderA.get(`/reports/sites?check=${checkB}`);
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain(CHECK_B_NAME);
    const csv = await leaderA.get(`/reports/sites?check=${checkB}&format=csv`);
    expect(csv.statusCode).toBe(404);
  });

  it('answers exactly as a missing check on /reports/sites', async () => {
    const normalise = (html: string, id: number) => html.replace(/name="_csrf" value="[^"]*"/g, '').replaceAll(`number ${id}`, 'number N');
    const hidden = await leaderA.get(`/reports/sites?check=${checkB}`);
    const missing = await leaderA.get('/reports/sites?check=999');
    expect(missing.statusCode).toBe(404);
    expect(normalise(hidden.body, checkB)).toBe(normalise(missing.body, 999));
  });

  it.for(['close', 'reopen'])('POST /checks/ID/%s answers 404 (as for a missing check), and changes nothing', async (action) => {
    const before = await checkTables(f);
    const hidden = await leaderA.post(`/checks/${checkB}/${action}`, { closes_on: utcDay(20) });
    const missing = await leaderA.post(`/checks/999/${action}`, { closes_on: utcDay(20) });
    expect(hidden.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(hidden.body).not.toContain(CHECK_B_NAME);
    expect(await checkTables(f)).toEqual(before);
  });
});

describe('a person’s page', () => {
  it.for([
    ['district leader of A', () => leaderA],
    ['school leader of A1', () => schoolLeaderA1],
  ] as const)('the %s sees only the person’s groups and places in their own part of the network', async ([, agent]) => {
    const page = await agent().get(`/people/${f.people.memberA1.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(f.groups.teamA1.name);
    expect(page.body).not.toContain(f.groups.teamB1.name);
    expect(page.body).not.toContain('Birch');
    expect(page.body).not.toContain(`href="/groups/${f.groups.teamB1.id}"`);
  });

  it('an admin sees all of them', async () => {
    const admin = await signIn(f.app, f.people.admin.email, PASSWORD, { remoteAddress: '10.66.0.3' });
    const page = await admin.get(`/people/${f.people.memberA1.id}`);
    expect(page.body).toContain(f.groups.teamA1.name);
    expect(page.body).toContain(f.groups.teamB1.name);
  });
});
