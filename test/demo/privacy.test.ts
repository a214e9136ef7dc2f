/** The demo database under the privacy rules: ICMap built on a generated file, personas signed in with the demo password, and what each may open. */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { DEMO_PASSWORD, type GenerateResult, type PersonaKey } from '../../tools/demo/generate.js';
import { EVIDENCE } from '../../tools/demo/names.js';
import { todayUtc } from '../../server/services/progress-checks.js';
import { signIn, type Agent } from '../support/http.js';
import { generateInto, query, tempFolder } from './support.js';

const temp = tempFolder();
const file = path.join(temp.folder, 'demo.sqlite');
let app: FastifyInstance;
let result: GenerateResult;
const agents = new Map<PersonaKey, Agent>();

interface GroupRow {
  id: number;
  name: string;
  role_key: string;
  site_id: number | null;
  district_id: number | null;
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

function persona(key: PersonaKey): { id: number; email: string; agent: Agent } {
  const found = result.personas.find((candidate) => candidate.key === key);
  const agent = agents.get(key);
  if (found === undefined || agent === undefined) throw new Error(`no persona ${key}`);
  const [row] = query<{ id: number }>(file, 'select id from people where email = ?', found.email);
  return { id: row!.id, email: found.email, agent };
}

const checks = (): { id: number }[] => query<{ id: number }>(file, 'select id from progress_checks order by id');
const groupsOf = (personId: number): GroupRow[] =>
  query<GroupRow>(file, 'select g.* from groups g join group_members m on m.group_id = g.id where m.person_id = ? order by g.id', personId);
const districtOfSite = (siteId: number): number => query<{ district_id: number }>(file, 'select district_id from sites where id = ?', siteId)[0]!.district_id;
const submittedIn = (checkId: number, groupId: number): number =>
  query<{ n: number }>(file, 'select count(*) as n from self_assessments where check_id = ? and group_id = ? and submitted_at is not null', checkId, groupId)[0]!.n;

beforeAll(async () => {
  // Today's date, so that the newest check is open in the app as well.
  result = await generateInto(file, { sites: 3, checks: 3, seed: 1, today: todayUtc() });
  app = await buildApp(loadConfig({ DATABASE_PATH: file, LOG_LEVEL: 'silent' }, { isTerminal: false }));
  await app.ready();
  for (const [index, { key, email }] of result.personas.entries()) {
    agents.set(key, await signIn(app, email, DEMO_PASSWORD, { remoteAddress: `10.9.0.${index + 1}` }));
  }
});

afterAll(async () => {
  await app.close();
  temp.remove();
});

describe('the demo personas', () => {
  it('all sign in with the demo password and see their own page', async () => {
    for (const { key, name } of result.personas) {
      const page = await persona(key).agent.get('/');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(escapeHtml(name));
    }
  });

  it('the team member has a draft in the open check and cannot open anyone else\u2019s self-assessment', async () => {
    const { id, agent } = persona('team-member');
    const [team] = groupsOf(id);
    const open = checks().at(-1)!;
    expect((await agent.get('/')).body).toContain('Draft');
    const own = await agent.get(`/checks/${open.id}/groups/${team!.id}/self`);
    expect(own.statusCode).toBe(200);
    // The self-assessment route is always the viewer's own: for a group they are not in, it does not exist.
    const others = query<GroupRow>(file, 'select * from groups where id not in (select group_id from group_members where person_id = ?) order by id', id);
    expect(others.length).toBeGreaterThan(0);
    for (const group of others) {
      expect((await agent.get(`/checks/${open.id}/groups/${group.id}/self`)).statusCode, group.name).toBe(404);
    }
    // Nor a teammate's personal page.
    const teammate = query<{ person_id: number }>(file, 'select person_id from group_members where group_id = ? and person_id <> ?', team!.id, id)[0]!;
    expect((await agent.get(`/people/${teammate.person_id}`)).statusCode).toBe(404);
  });

  it('the facilitator can reveal the open check for their team, which nobody has revealed yet', async () => {
    const { id, agent } = persona('facilitator');
    const team = groupsOf(id).find((group) => group.role_key === 'improvement-team')!;
    const open = checks().at(-1)!;
    const page = await agent.get(`/checks/${open.id}/groups/${team.id}/consensus`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Reveal the placements to the group');
    expect(submittedIn(open.id, team.id)).toBeGreaterThanOrEqual(3);
  });
});

describe('a district leader on the demo network', () => {
  it('sees only their own district on /network', async () => {
    const { id, agent } = persona('district-leader');
    const [leaders] = groupsOf(id);
    const districts = query<{ id: number; name: string }>(file, 'select id, name from districts order by id');
    const own = districts.find((district) => district.id === leaders!.district_id)!;
    const page = await agent.get('/network');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(escapeHtml(own.name));
    for (const other of districts.filter((district) => district.id !== own.id)) {
      expect(page.body).not.toContain(escapeHtml(other.name));
      expect((await agent.get(`/districts/${other.id}`)).statusCode).toBe(404);
    }
  });

  it('sees a revealed team\u2019s spread without names or evidence, and no spread below the minimum group size', async () => {
    const { id, agent } = persona('district-leader');
    const districtId = groupsOf(id)[0]!.district_id!;
    const closed = checks().slice(0, -1);
    const siteGroups = query<GroupRow>(file, 'select * from groups where site_id is not null order by id').filter((group) => districtOfSite(group.site_id!) === districtId);
    const evidence = Object.values(EVIDENCE).flat();
    let spreads = 0;
    let hidden = 0;
    for (const check of closed) {
      for (const group of siteGroups) {
        const revealed = query(file, 'select 1 from check_groups where check_id = ? and group_id = ? and revealed_at is not null', check.id, group.id).length > 0;
        if (!revealed) continue;
        const page = await agent.get(`/checks/${check.id}/groups/${group.id}/consensus`);
        expect(page.statusCode).toBe(200);
        const submitted = submittedIn(check.id, group.id);
        // Who recorded a consensus is shown with its revisions; nobody else in the group is named.
        const recorders = new Set(query<{ recorded_by: number }>(file, 'select recorded_by from consensus_revisions where check_id = ? and group_id = ?', check.id, group.id).map((row) => row.recorded_by));
        const members = query<{ id: number; name: string }>(file, 'select p.id, p.name from people p join group_members m on m.person_id = p.id where m.group_id = ?', group.id);
        for (const member of members.filter((candidate) => !recorders.has(candidate.id))) {
          expect(page.body, `${member.name} on ${group.name}`).not.toContain(escapeHtml(member.name));
        }
        expect(page.body).not.toContain('strip__names');
        for (const note of evidence) expect(page.body).not.toContain(escapeHtml(note));
        if (members.length <= 1 && submitted <= 1) {
          // A one-person group: its record is one person's self-assessment, not shown to leaders.
          expect(page.body).not.toContain('class="strip"');
          expect(page.body).toContain('This group has one member');
          expect(page.body).not.toContain('Agreed:');
          hidden += 1;
        } else if (submitted >= 3) {
          expect(page.body).toContain('class="strip"');
          spreads += 1;
        } else {
          expect(page.body).not.toContain('class="strip"');
          expect(page.body).toContain(`only from 3 submissions; this group has ${submitted}`);
          hidden += 1;
        }
      }
    }
    expect(spreads).toBeGreaterThan(0);
    expect(hidden).toBeGreaterThan(0);
  });
});
