/**
 * A check's page for those who run it: who has submitted (and who has not), revealed, outcomes agreed,
 * totals, filters, sort and the CSV of the same list; changing the dates and closing, both audited,
 * closing only once confirmed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveConsensusVersion } from '../../server/repositories/consensus.js';
import { revealCheckGroup } from '../../server/repositories/progress-checks.js';
import { auditEvents } from '../support/db-snapshot.js';
import type { Agent } from '../support/http.js';
import { buildNetworkFixture, type NetworkFixture } from '../support/network-fixture.js';
import { ALL_CODES, checkTables, openCheck, personas, seedSubmitted, textOf, utcDay } from './helpers.js';

let f: NetworkFixture;
let as: (name: Parameters<ReturnType<typeof personas>>[0]) => Promise<Agent>;
let id = 0;

beforeAll(async () => {
  f = await buildNetworkFixture();
  as = personas(f, 7);
  id = await openCheck(f, await as('admin'), { role_keys: ['improvement-team', 'school-leader'] });
  // Team A1: two of three submitted (Nell North has not), revealed, two outcomes agreed. Team B1: nothing yet.
  await seedSubmitted(f, id, f.groups.teamA1.id, f.people.facilitatorA1.id, () => 2);
  await seedSubmitted(f, id, f.groups.teamA1.id, f.people.memberA1.id, () => 3);
  await revealCheckGroup(f.app.db, id, f.groups.teamA1.id, f.people.facilitatorA1.id);
  for (const code of ALL_CODES.slice(0, 2)) {
    await saveConsensusVersion(f.app.db, { checkId: id, groupId: f.groups.teamA1.id, outcomeCode: code, level: 2, rationale: 'r', dissent: '', nextStep: 'n', recordedBy: f.people.facilitatorA1.id }, 0);
  }
});
afterAll(async () => {
  await f.app.close();
});

describe("a check's progress page", () => {
  it('shows each group: k of n submitted and who has not, revealed or hidden, x of 15 agreed, and totals', async () => {
    const text = textOf((await (await as('admin')).get(`/checks/${id}`)).body);
    expect(text).toContain('3 groups take part in your part of the network');
    expect(text).toMatch(/2 of 5\s*members submitted/);
    expect(text).toMatch(/1 of 3\s*revealed/);
    expect(text).toMatch(/Alder Elementary improvement team · Improvement team\s*Alder Elementary · Alder District\s*2 of 3\s*Not yet: Nell North\s*Revealed\s*2 of 15\s*Agreeing/);
    expect(text).toMatch(/Birch High improvement team · Improvement team\s*Birch High · Birch District\s*0 of 1\s*Not yet: Bea Brook\s*Hidden\s*0 of 15\s*No submissions yet/);
  });

  it('filters by district, role and status, sorts, and the totals follow the filter', async () => {
    const admin = await as('admin');
    const birch = textOf((await admin.get(`/checks/${id}?district=${f.districts.B.id}`)).body);
    expect(birch).toContain('Birch High improvement team');
    expect(birch).not.toContain('Alder Elementary improvement team');
    expect(birch).toMatch(/0 of 1\s*members? submitted/);
    const leaders = textOf((await admin.get(`/checks/${id}?role=school-leader`)).body);
    expect(leaders).toContain('Alder Elementary school leaders');
    expect(leaders).not.toContain('Birch High improvement team');
    const revealed = textOf((await admin.get(`/checks/${id}?status=revealed`)).body);
    expect(revealed).toContain('Alder Elementary improvement team');
    expect(revealed).not.toContain('Birch High improvement team');
    const agreed = textOf((await admin.get(`/checks/${id}?status=agreed`)).body);
    expect(agreed).toContain('No group matches these filters.');
    const bySubmitted = textOf((await admin.get(`/checks/${id}?sort=submitted`)).body);
    expect(bySubmitted.indexOf('Birch High improvement team')).toBeLessThan(bySubmitted.indexOf('Alder Elementary improvement team'));
    const site = textOf((await admin.get(`/checks/${id}?district=${f.districts.A.id}&site=${f.sites.A1.id}&role=improvement-team`)).body);
    expect(site).toContain('Alder Elementary improvement team');
    expect(site).not.toContain('school leaders ·');
    expect((await admin.get(`/checks/${id}?status=nonsense`)).statusCode).toBe(400);
  });

  it('downloads the same (filtered) list as CSV, starting with a byte order mark', async () => {
    const response = await (await as('admin')).get(`/checks/${id}?role=improvement-team&format=csv`);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.body.startsWith('\uFEFFdistrict,site,group,role,members,submitted,not_submitted,revealed,outcomes_agreed,outcomes,stage')).toBe(true);
    const lines = response.body.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('Alder District,Alder Elementary,Alder Elementary improvement team,Improvement team,3,2,1,yes,2,15,Agreeing');
  });

  it('a school leader sees only the groups of their site, and a member of B1 only their own', async () => {
    const leader = textOf((await (await as('schoolLeaderA1')).get(`/checks/${id}`)).body);
    expect(leader).toContain('2 groups take part');
    expect(leader).not.toContain('Birch');
    const member = textOf((await (await as('memberB1')).get(`/checks/${id}`)).body);
    expect(member).toContain('1 group takes part');
    expect(member).not.toContain('Alder');
    expect(member).not.toContain('Change the dates');
  });
});

describe("changing a check's dates and closing it", () => {
  it('the admin extends the deadline; it is audited with the old and new dates', async () => {
    const admin = await as('admin');
    const before = (await auditEvents(f.app.db)).length;
    const response = await admin.post(`/checks/${id}/dates`, { opens_on: utcDay(0), closes_on: utcDay(30) });
    expect(response.statusCode).toBe(303);
    const check = await f.app.db.selectFrom('progress_checks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(check.closes_on).toBe(utcDay(30));
    const events = await auditEvents(f.app.db);
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ action: 'check.dates', subject: `check:${id}` });
    expect(JSON.parse(events.at(-1)?.detail ?? '{}')).toMatchObject({ closesOn: utcDay(30), previousClosesOn: utcDay(14) });
    expect(textOf((await admin.get(`/checks/${id}`)).body)).toContain(`to ${utcDay(30)}`);
  });

  it('a closing date in the past or before the opening is refused with the message, the typed dates kept, nothing changed', async () => {
    const admin = await as('admin');
    const before = await checkTables(f);
    const past = await admin.post(`/checks/${id}/dates`, { opens_on: utcDay(-20), closes_on: utcDay(-1) });
    expect(past.statusCode).toBe(422);
    expect(textOf(past.body)).toContain('Choose a closing date from today on.');
    expect(past.body).toContain(`value="${utcDay(-20)}"`);
    expect(past.body).toMatch(/name="_csrf" value="[^"]+"/);
    const garbled = await admin.post(`/checks/${id}/dates`, { opens_on: utcDay(0), closes_on: 'next week' });
    expect(garbled.statusCode).toBe(422);
    expect(textOf(garbled.body)).toContain('Enter the closing date as a date (YYYY-MM-DD).');
    expect(await checkTables(f)).toEqual(before);
  });

  it('those who may not manage the check are refused and nothing changes', async () => {
    const before = await checkTables(f);
    for (const persona of ['districtLeaderA', 'schoolLeaderA1', 'facilitatorA1', 'hubMember'] as const) {
      expect((await (await as(persona)).post(`/checks/${id}/dates`, { opens_on: utcDay(0), closes_on: utcDay(60) })).statusCode, persona).toBe(403);
    }
    expect((await (await as('memberB1')).get(`/checks/${id}/close`)).statusCode).toBe(403);
    expect(await checkTables(f)).toEqual(before);
  });

  it('closing asks to confirm: without the tick nothing closes; with it the check closes and it is audited', async () => {
    const admin = await as('admin');
    const ask = await admin.get(`/checks/${id}/close`);
    expect(ask.statusCode).toBe(200);
    expect(textOf(ask.body)).toMatch(/3 groups have not finished their consensus/);
    const before = await checkTables(f);
    const unconfirmed = await admin.post(`/checks/${id}/close`, {});
    expect(unconfirmed.statusCode).toBe(422);
    expect(textOf(unconfirmed.body)).toContain('Tick the box to confirm');
    expect(await checkTables(f)).toEqual(before);
    const closed = await admin.post(`/checks/${id}/close`, { confirm: 'yes' });
    expect(closed.statusCode).toBe(303);
    expect((await auditEvents(f.app.db)).at(-1)).toMatchObject({ action: 'check.close', subject: `check:${id}` });
    expect(textOf((await admin.get(`/checks/${id}`)).body)).toContain('Reopen until');
  });
});
