/**
 * People: accent-blind search, school and role in the list and as filters, a duplicate email back on the
 * form; adding someone new from a group page; invitation slips (name, link, QR code) for a group and an import.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, snapshot } from '../support/db-snapshot.js';
import { signIn, type Agent } from '../support/http.js';
import { buildNetworkFixture, PASSWORD, type NetworkFixture } from '../support/network-fixture.js';
import { textOf } from '../checks/helpers.js';

let f: NetworkFixture;
let admin: Agent;

beforeAll(async () => {
  f = await buildNetworkFixture();
  admin = await signIn(f.app, f.people.admin.email, PASSWORD);
  await f.app.db.updateTable('people').set({ name: 'Ángela Núñez' }).where('id', '=', f.people.memberA1.id).execute();
  await f.app.db.updateTable('people').set({ name: 'Angela Smith' }).where('id', '=', f.people.memberB1.id).execute();
});
afterAll(async () => {
  await f.app.close();
});

describe('the people list', () => {
  it('search ignores accents both ways', async () => {
    for (const q of ['Angela', 'ángela', 'NUNEZ']) {
      const text = textOf((await admin.get(`/people?q=${encodeURIComponent(q)}`)).body);
      expect(text, q).toContain('Ángela Núñez');
    }
    const accented = textOf((await admin.get(`/people?q=${encodeURIComponent('Ángela')}`)).body);
    expect(accented).toContain('Angela Smith');
    expect(accented).toContain('2 people');
  });

  it('shows each person\'s school and role, and filters by district, school, role and who cannot sign in', async () => {
    const all = (await admin.get('/people')).body;
    expect(textOf(all)).toMatch(/Fay Fisher\s*fay\.fisher@alder\.test\s*Alder Elementary\s*Improvement team \(facilitator\)/);
    const school = textOf((await admin.get(`/people?district=${f.districts.A.id}&site=${f.sites.A1.id}`)).body);
    expect(school).toContain('Sam Sutton');
    expect(school).not.toContain('Angela Smith');
    expect(school).not.toContain('Dora Dale');
    const leaders = textOf((await admin.get('/people?role=school-leader')).body);
    expect(leaders).toContain('Sam Sutton');
    expect(leaders).toContain('1 person');
    const waiting = textOf((await admin.get('/people?signin=no')).body);
    expect(waiting).toContain('Nell North');
    expect(waiting).toContain('1 person');
    expect((await admin.get('/people?role=teacher')).statusCode).toBe(400);
  });

  it('a duplicate email leads back to the form, with the message and what was typed, and changes nothing', async () => {
    const before = await snapshot(f.app.db);
    const response = await admin.post('/people', { name: 'Second Fay', email: 'FAY.FISHER@alder.test' });
    expect(response.statusCode).toBe(409);
    expect(textOf(response.body)).toContain('Someone with the email address fay.fisher@alder.test already exists.');
    expect(response.body).toContain('value="Second Fay"');
    expect(response.body).toMatch(/action="\/people"[^]*name="_csrf" value="[^"]+"/);
    expect(await snapshot(f.app.db)).toEqual(before);
  });
});

describe('adding a member from a group page', () => {
  it('creates someone new there when their name is given, in one go, audited', async () => {
    const before = (await auditEvents(f.app.db)).length;
    const response = await admin.post(`/groups/${f.groups.teamB1.id}/members`, { email: 'Nia.New@birch.test', name: 'Nia New' });
    expect(response.statusCode).toBe(303);
    const page = textOf((await admin.get(`/groups/${f.groups.teamB1.id}`)).body);
    expect(page).toContain('Nia New');
    expect((await auditEvents(f.app.db)).slice(before).map((event) => event.action)).toEqual(['person.create', 'group.add-member']);
  });

  it('asks for the name of an unknown email, keeping the email typed, and changes nothing', async () => {
    const before = await snapshot(f.app.db);
    const response = await admin.post(`/groups/${f.groups.teamB1.id}/members`, { email: 'omar.other@birch.test' });
    expect(response.statusCode).toBe(422);
    expect(textOf(response.body)).toContain('Enter their name to add them to ICMap and to this group.');
    expect(response.body).toContain('value="omar.other@birch.test"');
    expect(await snapshot(f.app.db)).toEqual(before);
  });
});

describe('invitation slips', () => {
  it('for a group: one slip per member who cannot sign in, with name, link and an SVG QR code, shown once', async () => {
    const response = await admin.post(`/groups/${f.groups.teamA1.id}/invitation-slips`, {}, { tokenFrom: `/groups/${f.groups.teamA1.id}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const slips = response.body.match(/<li class="slip">/g) ?? [];
    expect(slips).toHaveLength(1);
    expect(textOf(response.body)).toContain('Nell North');
    expect(response.body).toMatch(/value="http:\/\/localhost(:\d+)?\/access\/[A-Za-z0-9_-]{20,}"/);
    expect(response.body).toMatch(/<svg role="img" aria-label="QR code of Nell North&#39;s invitation link"|<svg role="img" aria-label="QR code of Nell North's invitation link"/);
    expect(response.body).not.toContain('style=');
    expect((await auditEvents(f.app.db)).at(-1)).toMatchObject({ action: 'invitation.create', subject: `person:${f.newcomerA1.id}` });
  });

  it('a school leader makes slips for their own site\'s group; a member cannot, and an unseen group answers 404', async () => {
    const leader = await signIn(f.app, f.people.schoolLeaderA1.email, PASSWORD, { remoteAddress: '10.3.0.1' });
    const mine = await leader.post(`/groups/${f.groups.teamA1.id}/invitation-slips`, {}, { tokenFrom: `/groups/${f.groups.teamA1.id}` });
    expect(mine.statusCode).toBe(200);
    expect(textOf(mine.body)).toContain('Nell North');
    const member = await signIn(f.app, f.people.facilitatorA1.email, PASSWORD, { remoteAddress: '10.3.0.2' });
    const before = await snapshot(f.app.db);
    expect((await member.post(`/groups/${f.groups.teamA1.id}/invitation-slips`, {}, { tokenFrom: '/' })).statusCode).toBe(403);
    expect((await leader.post(`/groups/${f.groups.teamB1.id}/invitation-slips`, {}, { tokenFrom: '/' })).statusCode).toBe(404);
    expect(await snapshot(f.app.db)).toEqual(before);
  });
});
