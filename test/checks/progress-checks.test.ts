/**
 * Progress checks over HTTP: who may open one and for which place, which groups take part (with the
 * map version pinned), every refusal of bad input changing nothing, closing early and reopening, and
 * the member's own status on their home page.
 */
import type { Agent } from '../support/http.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGroup, addSite, archiveThing } from '../../server/services/organisation.js';
import { buildNetworkFixture, type NetworkFixture, type PersonaName } from '../support/network-fixture.js';
import {
  checkFields,
  checkIdFrom,
  checkTables,
  everything,
  mainOf,
  MAP_ID,
  openCheck,
  personas,
  postRaw,
  savePage,
  selfUrl,
  textOf,
  utcDay,
  versionIn,
  answerAll,
  type CheckForm,
} from './helpers.js';

let f: NetworkFixture;
let as: (name: PersonaName) => Promise<Agent>;

beforeAll(async () => {
  f = await buildNetworkFixture();
  as = personas(f);
});

afterAll(async () => {
  await f.app.close();
});

async function groupsOf(checkId: number): Promise<number[]> {
  const rows = await f.app.db.selectFrom('check_groups').select('group_id').where('check_id', '=', checkId).orderBy('group_id').execute();
  return rows.map((row) => row.group_id);
}

const sorted = (ids: number[]): number[] => [...ids].sort((a, b) => a - b);

describe('opening a progress check', () => {
  it('an admin opens one for the network: 303 to the check, every active group of the chosen roles takes part, the map version pinned', async () => {
    const admin = await as('admin');
    // An archived improvement team, and the team of an archived site, must not take part.
    const archivedTeam = await addGroup(f.app.db, f.people.admin.id, { name: 'Old Alder team', roleKey: 'improvement-team', districtId: f.districts.A.id, siteId: f.sites.A1.id });
    await archiveThing(f.app.db, f.people.admin.id, 'group', archivedTeam, true);
    const closedSite = await addSite(f.app.db, f.people.admin.id, f.districts.A.id, 'Closed Alder Annex');
    await addGroup(f.app.db, f.people.admin.id, { name: 'Annex team', roleKey: 'improvement-team', districtId: f.districts.A.id, siteId: closedSite });
    await archiveThing(f.app.db, f.people.admin.id, 'site', closedSite, true);

    const response = await postRaw(f, admin, '/checks', checkFields({ name: '2026-27 Beginning of year', role_keys: ['improvement-team', 'school-leader'] }));
    expect(response.statusCode).toBe(303);
    const id = checkIdFrom(response);
    expect(await groupsOf(id)).toEqual(sorted([f.groups.teamA1.id, f.groups.teamB1.id, f.groups.schoolLeadersA1.id]));

    const check = await f.app.db.selectFrom('progress_checks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const map = f.app.maps.find(MAP_ID);
    expect(map).toBeDefined();
    expect(check).toMatchObject({
      name: '2026-27 Beginning of year',
      map_id: MAP_ID,
      map_version: map?.version,
      opens_on: utcDay(0),
      closes_on: utcDay(14),
      district_id: null,
      closed_at: null,
      created_by: f.people.admin.id,
    });
    const audit = await f.app.db.selectFrom('audit_events').selectAll().where('action', '=', 'check.open').where('subject', '=', `check:${id}`).execute();
    expect(audit).toHaveLength(1);

    const page = await admin.get(`/checks/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`version ${map?.version ?? ''}`);
    expect(page.body).toContain('Alder Elementary improvement team');
    expect(page.body).toContain('Birch High improvement team');
    expect(page.body).not.toContain('Old Alder team');
    expect(page.body).not.toContain('Annex team');
  });

  it('an admin choosing every role brings in every active group of the network', async () => {
    const id = await openCheck(f, await as('admin'), { role_keys: ['improvement-team', 'improvement-facilitator', 'school-leader', 'district-leader', 'hub-team'] });
    expect(await groupsOf(id)).toEqual(sorted(Object.values(f.groups).map((group) => group.id)));
  });

  it("the district leader of A opens one for district A: only A's groups take part", async () => {
    const leader = await as('districtLeaderA');
    const form = await leader.get('/checks');
    expect(form.body).toContain('action="/checks"');
    expect(form.body).toContain(`value="district-${f.districts.A.id}"`);
    expect(form.body).not.toContain(`value="district-${f.districts.B.id}"`);
    expect(form.body).not.toContain('value="network"');

    const id = await openCheck(f, leader, {
      place: `district-${f.districts.A.id}`,
      role_keys: ['improvement-team', 'school-leader', 'district-leader', 'hub-team'],
    });
    expect(await groupsOf(id)).toEqual(sorted([f.groups.districtLeadersA.id, f.groups.schoolLeadersA1.id, f.groups.teamA1.id]));
    const check = await f.app.db.selectFrom('progress_checks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(check.district_id).toBe(f.districts.A.id);
    expect(check.created_by).toBe(f.people.districtLeaderA.id);
  });

  it.each([
    ['district B', (fx: NetworkFixture) => `district-${fx.districts.B.id}`],
    ['the network', () => 'network'],
  ])('the district leader of A opening one for %s is refused (403) and nothing is written', async (_label, place) => {
    const leader = await as('districtLeaderA');
    const before = await everything(f);
    const response = await postRaw(f, leader, '/checks', checkFields({ place: place(f), role_keys: ['improvement-team'] }));
    expect(response.statusCode).toBe(403);
    expect(await everything(f)).toEqual(before);
  });

  it.each(['memberA1', 'facilitatorA1', 'schoolLeaderA1', 'hubMember', 'memberB1'] as const)(
    '%s is not offered the form and cannot open a check (403, nothing written)',
    async (persona) => {
      const agent = await as(persona);
      const list = await agent.get('/checks');
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain('action="/checks"');
      expect(list.body).not.toContain('Open a progress check');
      const before = await everything(f);
      for (const place of ['network', `district-${f.districts.A.id}`, `district-${f.districts.B.id}`]) {
        const response = await postRaw(f, agent, '/checks', checkFields({ place }));
        expect(response.statusCode, place).toBe(403);
      }
      expect(await everything(f)).toEqual(before);
    },
  );

  const badInput: [string, () => CheckForm, string, string][] = [
    ['missing name', () => ({ name: undefined }), 'name', 'Enter a name, such as &quot;2026-27 Beginning of year&quot;.'],
    ['blank name', () => ({ name: '   ' }), 'name', 'Enter a name, such as &quot;2026-27 Beginning of year&quot;.'],
    ['closes_on before opens_on', () => ({ opens_on: utcDay(10), closes_on: utcDay(5) }), 'closes_on', 'The closing date must not be before the opening date.'],
    ['closes_on in the past', () => ({ opens_on: utcDay(-10), closes_on: utcDay(-1) }), 'closes_on', 'The closing date must not be in the past.'],
    ['closing date as text', () => ({ closes_on: 'next friday' }), 'closes_on', 'Enter the closing date as a date (YYYY-MM-DD).'],
    ['opening date in another format', () => ({ opens_on: '31/12/2026' }), 'opens_on', 'Enter the opening date as a date (YYYY-MM-DD).'],
    ['impossible date', () => ({ closes_on: '2030-02-30' }), 'closes_on', 'Enter the closing date as a date (YYYY-MM-DD).'],
    ['unknown role key', () => ({ role_keys: ['janitor'] }), 'role_keys', 'Choose roles from the list.'],
    ['a known and an unknown role key', () => ({ role_keys: ['improvement-team', 'janitor'] }), 'role_keys', 'Choose roles from the list.'],
    ['no role chosen', () => ({ role_keys: [] }), 'role_keys', 'Choose at least one role.'],
    ['place that is neither the network nor a district', () => ({ place: 'site-1' }), 'place', 'Choose who takes part.'],
  ];

  it.each(badInput)('%s → 422 with the message by the field, nothing written', async (_label, overrides, field, message) => {
    const admin = await as('admin');
    const before = await everything(f);
    const response = await postRaw(f, admin, '/checks', checkFields(overrides()));
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain(`href="#field-${field}">${message}</a>`);
    expect(await everything(f)).toEqual(before);
  });

  it('a refused form comes back filled in as sent', async () => {
    const response = await postRaw(f, await as('admin'), '/checks', checkFields({ name: 'Kept name', opens_on: utcDay(10), closes_on: utcDay(5), role_keys: ['school-leader'] }));
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('value="Kept name"');
    expect(response.body).toContain(`value="${utcDay(5)}"`);
    expect(response.body).toMatch(/name="role_keys" value="school-leader" checked/);
    expect(response.body).not.toMatch(/name="role_keys" value="improvement-team" checked/);
  });

  it('a district with no group of the chosen role → 409 with a message, nothing written', async () => {
    const admin = await as('admin');
    const before = await everything(f);
    const response = await postRaw(f, admin, '/checks', checkFields({ place: `district-${f.districts.B.id}`, role_keys: ['school-leader'] }));
    expect(response.statusCode).toBe(409);
    expect(textOf(response.body)).toContain('No active group of the chosen roles is there to take part.');
    expect(await everything(f)).toEqual(before);

    const leader = await as('districtLeaderA');
    const hubInA = await postRaw(f, leader, '/checks', checkFields({ place: `district-${f.districts.A.id}`, role_keys: ['hub-team'] }));
    expect(hubInA.statusCode).toBe(409);
    expect(await everything(f)).toEqual(before);
  });
});

describe('closing early and reopening', () => {
  it('close → closed and read-only (survey POST 409 "not open", nothing changed); reopen in the past refused; reopen in the future opens it again', async () => {
    const admin = await as('admin');
    const member = await as('memberA1');
    const id = await openCheck(f, admin);
    const url = selfUrl(id, f.groups.teamA1.id);
    expect((await savePage(member, url, 1, 1, { '1.1': 2 })).statusCode).toBe(303);

    // Nobody but the check's managers closes it.
    const refusedBefore = await checkTables(f);
    for (const persona of ['memberA1', 'facilitatorA1', 'districtLeaderA', 'hubMember'] as const) {
      expect((await (await as(persona)).post(`/checks/${id}/close`, { confirm: 'yes' })).statusCode, persona).toBe(403);
    }
    expect(await checkTables(f)).toEqual(refusedBefore);

    const close = await admin.post(`/checks/${id}/close`, { confirm: 'yes' });
    expect(close.statusCode).toBe(303);
    expect(close.headers.location).toBe(`/checks/${id}`);
    const closed = await f.app.db.selectFrom('progress_checks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(closed.closed_at).not.toBeNull();
    expect((await admin.get(`/checks/${id}`)).body).toContain('Closed ·');
    expect((await admin.get('/checks')).body).toMatch(new RegExp(`/checks/${id}"[^]*?status--closed`));

    const before = await checkTables(f);
    const save = await savePage(member, url, 1, 2, { '1.1': 4 });
    expect(save.statusCode).toBe(409);
    expect(textOf(save.body)).toContain('This progress check is not open');
    expect(await checkTables(f)).toEqual(before);

    for (const closesOn of [utcDay(-1), utcDay(-30)]) {
      const reopen = await admin.post(`/checks/${id}/reopen`, { closes_on: closesOn });
      expect(reopen.statusCode, closesOn).toBe(422);
      expect(textOf(reopen.body)).toContain('Choose a closing date from today on.');
      expect(await checkTables(f)).toEqual(before);
    }
    const garbled = await admin.post(`/checks/${id}/reopen`, { closes_on: 'soon' });
    expect(garbled.statusCode).toBe(422);
    expect(await checkTables(f)).toEqual(before);

    const reopen = await admin.post(`/checks/${id}/reopen`, { closes_on: utcDay(7) });
    expect(reopen.statusCode).toBe(303);
    const reopened = await f.app.db.selectFrom('progress_checks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(reopened.closed_at).toBeNull();
    expect(reopened.closes_on).toBe(utcDay(7));
    expect((await admin.get(`/checks/${id}`)).body).toContain('Open ·');
    expect((await savePage(member, url, 1, 2, { '1.1': 4 })).statusCode).toBe(303);
  });

  it('the district leader closes and reopens a check of their district, but not a network check', async () => {
    const leader = await as('districtLeaderA');
    const own = await openCheck(f, leader, { place: `district-${f.districts.A.id}` });
    expect((await leader.post(`/checks/${own}/close`, { confirm: 'yes' })).statusCode).toBe(303);
    expect((await leader.post(`/checks/${own}/reopen`, { closes_on: utcDay(3) })).statusCode).toBe(303);

    const network = await openCheck(f, await as('admin'));
    const before = await checkTables(f);
    expect((await leader.post(`/checks/${network}/close`, { confirm: 'yes' })).statusCode).toBe(403);
    expect(await checkTables(f)).toEqual(before);
  });
});

describe("a member's home page", () => {
  /** The member's row for a check on GET /, as text. */
  async function statusOn(agent: Agent, checkId: number): Promise<string> {
    const home = await agent.get('/');
    expect(home.statusCode).toBe(200);
    const rows = mainOf(home.body).split('<tr>').filter((row) => row.includes(`href="/checks/${checkId}"`));
    expect(rows).toHaveLength(1);
    return textOf(rows[0] ?? '');
  }

  it('lists the check as "Not started", then "Draft" after a save, then "Submitted"', async () => {
    const member = await as('memberA1');
    const id = await openCheck(f, await as('admin'), { name: 'Home page check' });
    const url = selfUrl(id, f.groups.teamA1.id);

    const fresh = await statusOn(member, id);
    expect(fresh).toContain('Home page check');
    expect(fresh).toContain('Alder Elementary improvement team');
    expect(fresh).toContain('Not started');
    expect(fresh).toContain(`by ${utcDay(14)}`);
    expect((await member.get('/')).body).toContain(`href="${url}"`);

    const first = await member.get(url);
    expect((await savePage(member, url, 1, versionIn(first.body), { '1.1': 3 })).statusCode).toBe(303);
    const draft = await statusOn(member, id);
    expect(draft).toContain('Draft');
    expect(draft).not.toContain('Not started');

    const version = await answerAll(member, url, () => 3);
    expect((await member.post(`${url}/submit`, { version: String(version) })).statusCode).toBe(303);
    const submitted = await statusOn(member, id);
    expect(submitted).toContain('Submitted');
    expect(submitted).not.toContain('Draft');

    // The facilitator of the same team has not started: each person's own status.
    expect(await statusOn(await as('facilitatorA1'), id)).toContain('Not started');
  });
});
