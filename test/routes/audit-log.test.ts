/** The audit log reads as sentences and is filtered by who, kind and date, fifty entries a page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../server/repositories/audit.js';
import { signIn, type Agent } from '../support/http.js';
import { buildNetworkFixture, PASSWORD, type NetworkFixture } from '../support/network-fixture.js';
import { textOf, utcDay } from '../checks/helpers.js';

let f: NetworkFixture;
let admin: Agent;
const entries = (html: string): string[] =>
  [...html.matchAll(/<li><time[^>]*>[^<]*<\/time>([^]*?)<\/li>/g)].map((match) => (match[1] ?? '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim());

beforeAll(async () => {
  f = await buildNetworkFixture();
  admin = await signIn(f.app, f.people.admin.email, PASSWORD);
  await f.app.db.updateTable('people').set({ name: 'Ángela Ávila' }).where('id', '=', f.people.facilitatorA1.id).execute();
  const opened = await admin.post('/checks', { name: 'Autumn check', map_id: 'txnsi', opens_on: utcDay(0), closes_on: utcDay(10), place: 'network', role_keys: 'improvement-team' }, { tokenFrom: '/checks' });
  const checkId = Number(String(opened.headers.location).split('/').pop());
  await recordAudit(f.app.db, { actorId: f.people.facilitatorA1.id, action: 'consensus.reveal', subject: `group:${f.groups.teamA1.id}`, detail: { checkId } });
  await admin.post(`/groups/${f.groups.teamA1.id}/members`, { email: f.people.memberB1.email, facilitator: 'on' });
});
afterAll(async () => {
  await f.app.close();
});

describe('the audit log', () => {
  it('tells each entry as a sentence naming who, what and which group, check or person, with links', async () => {
    const html = (await admin.get('/admin/audit')).body;
    const lines = entries(html);
    expect(lines.slice(0, 3)).toEqual([
      `${f.people.admin.name} made Bea Brook a facilitator of Alder Elementary improvement team.`,
      'Ángela Ávila revealed the placements of Alder Elementary improvement team in “Autumn check”.',
      `${f.people.admin.name} opened the progress check “Autumn check” for 2 groups.`,
    ]);
    expect(html).toContain(`<a href="/groups/${f.groups.teamA1.id}">Alder Elementary improvement team</a>`);
    expect(html).not.toContain('consensus.reveal');
  });

  it('filters by person (accents ignored), kind and date', async () => {
    const angela = entries((await admin.get('/admin/audit?who=angela')).body);
    expect(angela).toEqual(['Ángela Ávila revealed the placements of Alder Elementary improvement team in “Autumn check”.']);
    const checks = entries((await admin.get('/admin/audit?kind=checks')).body);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toContain('opened the progress check');
    expect(entries((await admin.get(`/admin/audit?from=${utcDay(1)}`)).body)).toEqual([]);
    expect(textOf((await admin.get(`/admin/audit?from=${utcDay(1)}`)).body)).toContain('Nothing matches these filters.');
    const groups = entries((await admin.get(`/admin/audit?from=${utcDay(0)}&to=${utcDay(0)}&kind=groups`)).body);
    expect(groups[0]).toBe(`${f.people.admin.name} made Bea Brook a facilitator of Alder Elementary improvement team.`);
    expect(groups.some((line) => line.includes('progress check'))).toBe(false);
    expect((await admin.get('/admin/audit?kind=everything')).statusCode).toBe(400);
    expect((await admin.get('/admin/audit?from=yesterday')).statusCode).toBe(400);
  });

  it('pages fifty at a time, keeping the filter', async () => {
    for (let index = 0; index < 60; index += 1) {
      await recordAudit(f.app.db, { actorId: f.people.admin.id, action: 'person.update', subject: `person:${f.people.memberA1.id}` });
    }
    const first = await admin.get('/admin/audit?kind=people');
    expect(entries(first.body)).toHaveLength(50);
    const older = /href="(\/admin\/audit\?kind=people&amp;before=\d+)"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    expect(older).toBeDefined();
    const second = await admin.get(older ?? '');
    expect(entries(second.body).length).toBeGreaterThanOrEqual(10);
    expect(entries(second.body).every((line) => line.includes('Milo Moss') || line.includes('added'))).toBe(true);
    expect(second.body).toContain('Newest entries');
  });
});
