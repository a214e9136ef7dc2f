/** The demo generator on small networks: deterministic for a seed and day, the documented shape, the data model's rules, and the story the demo tells. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, planChecks, type GenerateResult } from '../../tools/demo/generate.js';
import { hashPassword } from '../../server/services/passwords.js';
import { generateInto, query, readContent, tempFolder } from './support.js';

const TODAY = '2026-03-15';
const temp = tempFolder();
const file = (name: string): string => path.join(temp.folder, `${name}.sqlite`);
let passwordHash = '';

beforeAll(async () => {
  passwordHash = await hashPassword(DEMO_PASSWORD);
});
afterAll(() => {
  temp.remove();
});

describe('determinism', () => {
  it('gives identical table contents for the same seed and day, and different ones for another seed', async () => {
    await generateInto(file('a'), { sites: 3, checks: 2, seed: 11, today: TODAY, passwordHash });
    // A hash of its own: the salted hash differs, and is not part of the compared content.
    await generateInto(file('b'), { sites: 3, checks: 2, seed: 11, today: TODAY });
    await generateInto(file('c'), { sites: 3, checks: 2, seed: 12, today: TODAY, passwordHash });
    const a = readContent(file('a'));
    const b = readContent(file('b'));
    const c = readContent(file('c'));
    expect(a.placements?.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(c.people).not.toEqual(a.people);
    expect(c.placements).not.toEqual(a.placements);
  });
});

describe('a network of 3 sites and 3 checks', () => {
  let result: GenerateResult;
  const db = (): string => file('shape');

  beforeAll(async () => {
    result = await generateInto(db(), { sites: 3, checks: 3, seed: 5, today: TODAY, passwordHash });
  });

  it('has the documented shape', () => {
    // README "Demo": sites 0, 1, 2 have teams of 5, 6 and 7 staff; the principal also sits on site 0's
    // team; sites 0 and 2 have an assistant principal. So people per site: 5+1+2, 6+1+1, 7+1+2 = 26,
    // memberships 6+1+2, 6+1+1, 7+1+2 = 27. Two districts (2 and 3 district leaders), a hub team of
    // 4 + 2 = 6, and the admin in no group.
    expect(result.counts).toMatchObject({
      districts: 2,
      sites: 3,
      groups: 3 * 3 + 2 + 1,
      people: 26 + 5 + 6 + 1,
      memberships: 27 + 5 + 6,
      checks: 3,
      checkGroups: 3 * 12,
    });
    const perDistrict = query<{ district_id: number; n: number }>(db(), 'select district_id, count(*) as n from sites group by district_id order by district_id');
    expect(perDistrict.map((row) => row.n)).toEqual([2, 1]);
    const roles = query<{ role_key: string; n: number }>(db(), 'select role_key, count(*) as n from groups group by role_key order by role_key');
    expect(Object.fromEntries(roles.map((row) => [row.role_key, row.n]))).toEqual({
      'district-leader': 2,
      'hub-team': 1,
      'improvement-facilitator': 3,
      'improvement-team': 3,
      'school-leader': 3,
    });
    // Every group has a facilitator, so every group can reveal and record consensus.
    expect(query(db(), 'select id from groups where not exists (select 1 from group_members m where m.group_id = groups.id and m.is_facilitator = 1)')).toEqual([]);
  });

  it('returns counts that match the database', () => {
    const count = (text: string): number => query<{ n: number }>(db(), text)[0]?.n ?? -1;
    expect(result.counts.selfAssessments).toBe(count('select count(*) as n from self_assessments'));
    expect(result.counts.placements).toBe(count('select count(*) as n from placements'));
    expect(result.counts.consensusRecords).toBe(count('select count(*) as n from consensus_records'));
    expect(result.counts.consensusRevisions).toBeGreaterThanOrEqual(result.counts.consensusRecords);
  });

  it('dates the checks four months apart: the last open on the given day, the others closed', () => {
    const checks = query<{ name: string; opens_on: string; closes_on: string; closed_at: string | null }>(db(), 'select * from progress_checks order by id');
    expect(checks.map(({ name, opens_on, closes_on }) => ({ name, opensOn: opens_on, closesOn: closes_on }))).toEqual(planChecks(TODAY, 3));
    expect(checks.map((check) => check.opens_on)).toEqual(['2025-07-08', '2025-11-08', '2026-03-08']);
    expect(checks.every((check) => check.closed_at === null)).toBe(true);
    expect(checks.slice(0, 2).every((check) => check.closes_on < TODAY)).toBe(true);
    expect(checks[2]?.closes_on).toBe('2026-03-29');
  });

  it('keeps the rules of the data model', () => {
    // Submitted: all 15 outcomes; drafts: one to four whole pages of three outcomes.
    const sizes = query<{ submitted: number; version: number; n: number }>(
      db(),
      'select submitted_at is not null as submitted, version, (select count(*) from placements p where p.self_assessment_id = s.id) as n from self_assessments s',
    );
    for (const row of sizes) {
      if (row.submitted === 1) expect(row).toMatchObject({ n: 15, version: 3 });
      else expect(row.version === 2 && [3, 6, 9, 12].includes(row.n)).toBe(true);
    }
    expect(query(db(), 'select id from self_assessments s where not exists (select 1 from group_members m where m.group_id = s.group_id and m.person_id = s.person_id)')).toEqual([]);
    expect(query(db(), 'select * from placements where not ((level between 1 and 5 and not_sure = 0) or (level is null and not_sure = 1))')).toEqual([]);
    expect(query(db(), 'select * from consensus_records c join check_groups g using (check_id, group_id) where g.revealed_at is null')).toEqual([]);
    // Submissions are dated inside their check's window.
    expect(
      query(db(), 'select s.id from self_assessments s join progress_checks c on c.id = s.check_id where s.submitted_at < c.opens_on or substr(s.submitted_at, 1, 10) > c.closes_on'),
    ).toEqual([]);
  });

  it('tells the story: some never submit, some disagree, most closed groups agree, the open check is mid-way, teams grow', () => {
    const neverSubmitted = query(db(), 'select id from people p where exists (select 1 from group_members m where m.person_id = p.id) and not exists (select 1 from self_assessments s where s.person_id = p.id and s.submitted_at is not null)');
    expect(neverSubmitted.length).toBeGreaterThan(0);
    const disputes = query(
      db(),
      `select s.check_id, s.group_id, p.outcome_code from placements p join self_assessments s on s.id = p.self_assessment_id
       where s.submitted_at is not null and p.level is not null group by 1, 2, 3 having max(p.level) - min(p.level) >= 2`,
    );
    expect(disputes.length).toBeGreaterThan(0);

    const perCheck = query<{ check_id: number; with_submissions: number; agreed: number; revealed: number; drafts: number }>(
      db(),
      `select c.id as check_id,
         (select count(distinct s.group_id) from self_assessments s where s.check_id = c.id and s.submitted_at is not null) as with_submissions,
         (select count(distinct r.group_id) from consensus_records r where r.check_id = c.id) as agreed,
         (select count(*) from check_groups g where g.check_id = c.id and g.revealed_at is not null) as revealed,
         (select count(*) from self_assessments s where s.check_id = c.id and s.submitted_at is null) as drafts
       from progress_checks c order by c.id`,
    );
    const [first, second, open] = perCheck;
    for (const closed of [first, second]) expect(closed!.agreed / closed!.with_submissions).toBeGreaterThanOrEqual(0.7);
    expect(open!.revealed).toBeLessThan(open!.with_submissions);
    expect(open!.drafts).toBeGreaterThan(0);
    expect(query(db(), 'select * from consensus_records where dissent <> \'\'').length).toBeGreaterThan(0);

    // Lower is better: on average the agreed levels go down from the first check to the second, while
    // some outcomes stall or slip.
    const changes = query<{ change: number }>(
      db(),
      `select b.level - a.level as change from consensus_records a join consensus_records b
         on b.group_id = a.group_id and b.outcome_code = a.outcome_code and b.check_id = ${second!.check_id}
       where a.check_id = ${first!.check_id}`,
    ).map((row) => row.change);
    expect(changes.length).toBeGreaterThan(50);
    expect(changes.reduce((sum, change) => sum + change, 0) / changes.length).toBeLessThan(0);
    expect(changes.some((change) => change < 0)).toBe(true);
    expect(changes.some((change) => change >= 0)).toBe(true);
  });

  it('gives the plans actions in every state, some overdue, with signed notes, and a few requests for the hub', () => {
    const states = query<{ status: string; n: number }>(db(), 'select status, count(*) as n from actions group by status order by status');
    expect(states.map((row) => row.status)).toEqual(['done', 'dropped', 'in-progress', 'planned']);
    expect(query(db(), `select id from actions where status in ('planned', 'in-progress') and due_on < ?`, TODAY).length).toBeGreaterThan(0);
    // Every owner is a member of the action's group; every note is signed by an owner and dated after the action.
    expect(query(db(), 'select * from action_owners o join actions a on a.id = o.action_id where not exists (select 1 from group_members m where m.group_id = a.group_id and m.person_id = o.person_id)')).toEqual([]);
    expect(query(db(), 'select n.id from action_notes n join actions a on a.id = n.action_id where n.created_at < a.created_at or not exists (select 1 from action_owners o where o.action_id = a.id and o.person_id = n.author_id)')).toEqual([]);
    expect(query(db(), `select id from actions where status <> 'planned' and not exists (select 1 from action_notes n where n.action_id = actions.id)`)).toEqual([]);
    expect(result.counts.actions).toBe(query<{ n: number }>(db(), 'select count(*) as n from actions')[0]?.n);
    const requests = query<{ status: string }>(db(), 'select status from assistance_requests order by id');
    expect(requests.map((row) => row.status)).toContain('answered');
    expect(requests.map((row) => row.status)).toContain('open');
    expect(result.counts.requests).toBe(requests.length);
    // The team-member persona owns an action due within two weeks of the demo day.
    const member = result.personas.find((persona) => persona.key === 'team-member');
    const dueSoon = query(db(), `select a.id from actions a join action_owners o on o.action_id = a.id join people p on p.id = o.person_id where p.email = ? and a.status in ('planned', 'in-progress') and a.due_on between ? and date(?, '+14 days')`, member?.email, TODAY, TODAY);
    expect(dueSoon.length).toBeGreaterThan(0);
  });

  it('names the five personas with their demo e-mail addresses', () => {
    expect(result.personas.map((persona) => persona.key)).toEqual(['network-admin', 'district-leader', 'school-leader', 'facilitator', 'team-member']);
    for (const persona of result.personas) expect(persona.email).toMatch(/^[a-z0-9.-]+@[a-z0-9-]+\.example\.org$/);
    const admin = query<{ is_network_admin: number }>(db(), 'select is_network_admin from people where email = ?', result.personas[0]?.email);
    expect(admin).toEqual([{ is_network_admin: 1 }]);
  });
});
