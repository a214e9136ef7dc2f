import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAccessScope } from '../../server/access/load-scope.js';
import { findPerson, setPasswordHash } from '../../server/repositories/people.js';
import { revealCheckGroup } from '../../server/repositories/progress-checks.js';
import { ensureSelfAssessment } from '../../server/repositories/self-assessments.js';
import { recordConsensus } from '../../server/services/consensus.js';
import { addDistrict, addMembership, addPerson } from '../../server/services/organisation.js';
import { openCheck } from '../../server/services/progress-checks.js';
import { saveAnswers, submitAnswers } from '../../server/services/self-assessment.js';
import { signIn, type Agent } from '../support/http.js';
import { buildNetworkFixture, PASSWORD, sharedPasswordHash, type NetworkFixture } from '../support/network-fixture.js';

const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const CODES = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3', '4.1', '4.2', '4.3', '5.1', '5.2', '5.3'];

let f: NetworkFixture;
let earlier = 0;
let current = 0;
let formulaPersonId = 0;
const agents: Partial<Record<string, Agent>> = {};

async function as(name: 'admin' | 'districtLeaderA' | 'schoolLeaderA1' | 'facilitatorA1' | 'memberA1' | 'memberB1' | 'hubMember'): Promise<Agent> {
  agents[name] ??= await signIn(f.app, f.people[name].email, PASSWORD, { remoteAddress: `10.9.0.${Object.keys(agents).length + 1}` });
  return agents[name];
}

async function submit(personId: number, checkId: number, groupId: number, levelFor: (code: string) => number | null): Promise<void> {
  const assessment = await ensureSelfAssessment(f.app.db, checkId, groupId, personId);
  const saved = await saveAnswers(f.app.db, assessment, assessment.version, CODES.map((code) => ({ outcomeCode: code, level: levelFor(code), evidence: 'private note' })));
  if (!saved.ok) throw new Error('conflict while seeding');
  const role = f.app.maps.find('txnsi')!.roles.find((r) => r.key === 'improvement-team')!;
  const result = await submitAnswers(f.app.db, { ...assessment, version: saved.version }, saved.version, role);
  if (!result.ok) throw new Error('submit failed while seeding');
}

async function agree(checkId: number, groupId: number, levels: Record<string, number>, extra: { dissent?: string; nextStep?: string } = {}): Promise<void> {
  for (const [code, level] of Object.entries(levels)) {
    const result = await recordConsensus(
      f.app.db,
      { checkId, groupId, outcomeCode: code, level, rationale: 'because', dissent: extra.dissent ?? '', nextStep: extra.nextStep ?? `next for ${code}`, recordedBy: f.people.facilitatorA1.id },
      0,
    );
    if (!result.ok) throw new Error('consensus conflict while seeding');
  }
}

beforeAll(async () => {
  f = await buildNetworkFixture();
  const admin = await findPerson(f.app.db, f.people.admin.id);
  const actor = { id: admin!.id, scope: await loadAccessScope(f.app.db, admin!) };
  const teams = ['improvement-team'];
  earlier = await openCheck(f.app.db, f.app.maps, actor, { name: 'Autumn', mapId: 'txnsi', opensOn: day(-120), closesOn: day(-100), districtId: null, roleKeys: teams });
  current = await openCheck(f.app.db, f.app.maps, actor, { name: 'Spring', mapId: 'txnsi', opensOn: day(-3), closesOn: day(10), districtId: null, roleKeys: teams });
  // A third teammate whose name would run as a spreadsheet formula.
  formulaPersonId = await addPerson(f.app.db, f.people.admin.id, { name: '=HYPERLINK("http://evil.example")', email: 'formula@alder.test' });
  await setPasswordHash(f.app.db, formulaPersonId, await sharedPasswordHash());
  await addMembership(f.app.db, f.people.admin.id, f.groups.teamA1.id, formulaPersonId, false);
  // Team B1 gets a second member (who never submits), so its record is a team's, not one person's.
  const secondB1 = await addPerson(f.app.db, f.people.admin.id, { name: 'Bo Birch', email: 'bo.birch@birch.test' });
  await addMembership(f.app.db, f.people.admin.id, f.groups.teamB1.id, secondB1, false);

  const a1 = f.groups.teamA1.id;
  // Earlier check: 1.1 at 4 (will not improve), 1.2 at 4 (will improve), 2.1 at 2.
  await agree(earlier, a1, { '1.1': 4, '1.2': 4, '2.1': 2 });
  // Current check: three submissions in A1, revealed; one in B1 (below the threshold of 3).
  await submit(f.people.facilitatorA1.id, current, a1, () => 1);
  await submit(f.people.memberA1.id, current, a1, (code) => (code === '1.1' ? null : 3));
  await submit(formulaPersonId, current, a1, () => 4);
  await revealCheckGroup(f.app.db, current, a1, f.people.facilitatorA1.id);
  await agree(current, a1, { '1.1': 4, '1.2': 3, '2.1': 1, '5.3': 5 }, { dissent: '', nextStep: '=SUM(A1:A9) then meet' });
  await submit(f.people.memberB1.id, current, f.groups.teamB1.id, () => 2);
  await revealCheckGroup(f.app.db, current, f.groups.teamB1.id, f.people.admin.id);
  await agree(current, f.groups.teamB1.id, { '1.1': 2 });
});
afterAll(async () => {
  await f.app.close();
});

describe('team report', () => {
  const url = () => `/checks/${current}/groups/${f.groups.teamA1.id}/report`;

  it('answers bright spots, challenges, needs for assistance and next steps from the consensus', async () => {
    const page = await (await as('facilitatorA1')).get(url());
    expect(page.statusCode).toBe(200);
    const section = (id: string): string => page.body.slice(page.body.indexOf(`id="${id}"`), page.body.indexOf('</section>', page.body.indexOf(`id="${id}"`)));
    expect(section('bright')).toContain('2.1 Establish an aim statement');
    expect(section('bright')).not.toContain('1.2');
    expect(section('challenges')).toContain('1.1 Investigate and define problem');
    expect(section('challenges')).toContain('5.3');
    // 1.1 stayed at 4: needs assistance; 5.3 has no earlier level, so it is a challenge but not "did not improve".
    expect(section('assistance')).toContain('1.1 Investigate and define problem');
    expect(section('assistance')).not.toContain('5.3');
    expect(section('assistance')).toContain('no change');
    expect(page.body).toContain('(was 4: improved)');
    expect(section('next-steps')).toContain('=SUM(A1:A9) then meet');
  });

  it('shows members as letters with the consensus column, and never their notes', async () => {
    const page = await (await as('memberA1')).get(url());
    expect(page.body).toContain('<svg');
    expect(page.body).toMatch(/>A<\/th>[\s\S]*>B<\/th>[\s\S]*>C<\/th>[\s\S]*>Consensus<\/th>/);
    expect(page.body).not.toContain('Milo Moss</th>');
    expect(page.body).not.toContain('private note');
  });

  it('hides individual placements from a leader outside a group below the threshold', async () => {
    const page = await (await as('admin')).get(`/checks/${current}/groups/${f.groups.teamB1.id}/report`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('only from 3 submissions');
    expect(page.body).not.toMatch(/>A<\/th>/);
  });

  it('offers exactly the chart data as CSV, formulas escaped', async () => {
    const csv = await (await as('memberA1')).get(`${url()}?format=csv`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    const rows = Papa.parse<Record<string, string>>(csv.body, { header: true }).data;
    expect(rows.filter((row) => row.column === 'Consensus').map((row) => [row.outcome, row.level])).toEqual([
      ['1.1', '4'],
      ['1.2', '3'],
      ['2.1', '1'],
      ['5.3', '5'],
    ]);
    expect(rows.filter((row) => row.outcome === '1.1').map((row) => row.level)).toContain('not sure');
    expect(rows).toHaveLength(3 * 15 + 4);
  });

  it('is not there for someone outside the group\'s part of the network', async () => {
    expect((await (await as('memberB1')).get(url())).statusCode).toBe(404);
  });
});

describe('site comparison and growth', () => {
  it('lets a district leader compare only their own district\'s sites', async () => {
    const leader = await as('districtLeaderA');
    const page = await leader.get(`/reports/sites?check=${current}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Alder Elementary');
    expect(page.body).not.toContain('Birch High');
    const hub = await (await as('hubMember')).get(`/reports/sites?check=${current}`);
    expect(hub.body).toContain('Birch High');
    expect(hub.body).toContain('All 2 sites taking part in Spring');
    // Spring is open and no group agreed all 15 outcomes: shown as partial, not as a result.
    expect(hub.body).toContain('Spring is in progress: a partial picture, not a result.');
    expect(hub.body).toMatch(/0 of 2 groups agreed every outcome, 2 agreed some/);
  });

  it('lists every site taking part, those with nothing agreed as "not yet agreed", and defaults to the newest check with consensus', async () => {
    // A third check, open, with no consensus at all, and a school-leader group taking part in Spring with nothing agreed.
    const admin = await as('admin');
    const scoped = await (await as('hubMember')).get('/reports/sites');
    expect(scoped.body).toContain('All 2 sites taking part in Spring');
    const csv = await admin.get(`/reports/sites?check=${current}&role=improvement-team&format=csv`);
    expect(csv.body.startsWith('\uFEFFsite,')).toBe(true);
    const rows = Papa.parse<Record<string, string>>(csv.body, { header: true }).data.filter((row) => row.site);
    expect(rows.filter((row) => row.site === 'Birch High')).toHaveLength(15);
    expect(rows.find((row) => row.site === 'Birch High' && row.outcome === '1.2')?.level).toBe('not yet agreed');
    const page = await admin.get(`/reports/sites?check=${current}`);
    expect(page.body).toContain('not yet agreed');
    expect(page.body).toContain('legend__not-agreed');
  });

  it('marks the change since each group\'s previous check and sorts best first', async () => {
    const csv = await (await as('admin')).get(`/reports/sites?check=${current}&format=csv`);
    const rows = Papa.parse<Record<string, string>>(csv.body, { header: true }).data.filter((row) => row.site);
    expect(rows.find((row) => row.site === 'Alder Elementary' && row.outcome === '1.2')?.change_since_previous_check).toBe('up');
    expect(rows.find((row) => row.site === 'Alder Elementary' && row.outcome === '1.1')?.change_since_previous_check).toBe('same');
    // Birch High (mean 2) sorts before Alder Elementary (mean 3.25).
    expect(rows[0]?.site).toBe('Birch High');
  });

  it('leaves the open check out of growth unless asked, then marks it in progress with k of n groups agreed', async () => {
    const admin = await as('admin');
    const closedOnly = Papa.parse<Record<string, string>>((await admin.get('/reports/growth?format=csv')).body, { header: true }).data.filter((row) => row.check);
    expect(new Set(closedOnly.map((row) => row.check))).toEqual(new Set(['Autumn']));
    const page = await admin.get('/reports/growth');
    expect(page.body).toContain('is in progress: 0 of 2 groups agreed');
    expect(page.body).toContain('It is left out until it closes');
    const withOpen = await admin.get('/reports/growth?open=1');
    expect(withOpen.body).toContain('Spring (in progress)');
    expect(withOpen.body).toContain('legend--in-progress');
  });

  it('shows growth as counts and medians per check, in time order', async () => {
    const csv = await (await as('admin')).get('/reports/growth?format=csv&open=1');
    const rows = Papa.parse<Record<string, string>>(csv.body, { header: true }).data.filter((row) => row.check);
    const of = (check: string, outcome: string) => rows.find((row) => row.check === check && row.outcome === outcome);
    expect(csv.body.startsWith('\uFEFFcheck,opens_on,status,outcome,')).toBe(true);
    expect(rows[0]?.check).toBe('Autumn');
    expect(of('Spring', '1.1')).toMatchObject({ status: 'in progress: 0 of 2 groups agreed', groups_at_level_2: '1', groups_at_level_4: '1', median: '3' });
    expect(of('Autumn', '1.1')).toMatchObject({ status: 'closed' });
    expect(of('Autumn', '1.2')).toMatchObject({ groups_at_level_4: '1', median: '4' });
  });

  it('are not there for team members', async () => {
    const member = await as('memberA1');
    expect((await member.get('/reports/sites')).statusCode).toBe(404);
    expect((await member.get('/reports/growth')).statusCode).toBe(404);
  });

  it('refuse bad query values with a clear answer', async () => {
    const admin = await as('admin');
    expect((await admin.get('/reports/sites?role=teacher')).statusCode).toBe(400);
    expect((await admin.get('/reports/sites?sort=worst')).statusCode).toBe(400);
    expect((await admin.get('/reports/growth?format=xlsx')).statusCode).toBe(400);
  });
});

describe('growth: districts side by side', () => {
  const table = (body: string): string => body.slice(body.indexOf('id="districts-heading"'), body.indexOf('</section>', body.indexOf('id="districts-heading"')));

  it('shows a network of two districts in one table, with no page links', async () => {
    const page = await (await as('admin')).get('/reports/growth');
    const districts = table(page.body);
    expect(districts).toContain('Median agreed level by district, Autumn</caption>');
    expect(districts).toMatch(/>Alder District<\/th><th scope="col">Birch District<\/th>/);
    expect(districts).not.toContain('Pages of districts');
    // A page past the end shows the last (here the only) one; a page that is not a number is refused.
    expect(table((await (await as('admin')).get('/reports/growth?page=3')).body)).toBe(districts);
    for (const bad of ['0', 'two', '1.5', '10001']) {
      const refused = await (await as('admin')).get(`/reports/growth?page=${bad}`);
      expect(refused.statusCode).toBe(400);
      // The answer names the field and what it takes, not the parser's words ("expected number, received NaN").
      expect(refused.body).toContain('page must be a whole number from 1 to 10,000.');
      expect(refused.body).not.toContain('received NaN');
    }
  });

  it('pages a larger network by name, saying which districts it shows, its links keeping the other choices', async () => {
    // Run last in this file: eleven more districts (no sites) make 13.
    for (let n = 1; n <= 11; n += 1) await addDistrict(f.app.db, f.people.admin.id, `Cedar ${String(n).padStart(2, '0')}`);
    const admin = await as('admin');
    const first = table((await admin.get('/reports/growth?open=1')).body);
    expect(first).toContain('districts 1–10 of 13, by name</caption>');
    expect(first).toMatch(/>Alder District<\/th><th scope="col">Birch District<\/th><th scope="col">Cedar 01<\/th>/);
    expect(first).not.toContain('Cedar 09');
    expect(first).toContain('href="/reports/growth?role=improvement-team&amp;open=1&amp;page=2#districts-heading"');
    expect(first).not.toContain('rel="prev"');
    const second = table((await admin.get('/reports/growth?role=improvement-team&open=1&page=2')).body);
    expect(second).toContain('districts 11–13 of 13, by name</caption>');
    expect(second).toMatch(/>Cedar 09<\/th><th scope="col">Cedar 10<\/th><th scope="col">Cedar 11<\/th><\/tr>/);
    expect(second).toContain('href="/reports/growth?role=improvement-team&amp;open=1&amp;page=1#districts-heading"');
    expect(second).not.toContain('rel="next"');
    // A district's own growth has no table of districts.
    expect((await admin.get(`/reports/growth?district=${f.districts.A.id}`)).body).not.toContain('districts-heading');
  });
});

describe('full export', () => {
  it('numbers members, never names them, and keeps below-threshold groups to their consensus', async () => {
    const response = await (await as('admin')).get('/admin/export.csv');
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('Milo Moss');
    expect(response.body).not.toContain('HYPERLINK');
    expect(response.body).not.toContain('private note');
    const rows = Papa.parse<Record<string, string>>(response.body, { header: true }).data.filter((row) => row.check);
    const a1 = rows.filter((row) => row.group === 'Alder Elementary improvement team' && row.check === 'Spring');
    expect(new Set(a1.map((row) => row.member))).toEqual(new Set(['member 1', 'member 2', 'member 3']));
    expect(a1).toHaveLength(45);
    const b1 = rows.filter((row) => row.group === 'Birch High improvement team');
    expect(b1).toEqual([expect.objectContaining({ member: '', outcome: '1.1', placement: '', consensus_level: '2', rationale: 'because', dissent: '', next_step: 'next for 1.1' })]);
    // The consensus carries its rationale and next step, a formula escaped; the file opens as UTF-8 in Excel.
    expect(a1.find((row) => row.outcome === '1.2')).toMatchObject({ consensus_level: '3', rationale: 'because', next_step: "'=SUM(A1:A9) then meet" });
    expect(response.body.startsWith('\uFEFFcheck,')).toBe(true);
  });

  it('is for network admins only', async () => {
    expect((await (await as('districtLeaderA')).get('/admin/export.csv')).statusCode).toBe(404);
  });
});
