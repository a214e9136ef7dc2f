import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMapFile } from '../../server/maps/loader.js';
import { projectRoot } from '../../server/paths.js';
import { createPerson } from '../../server/repositories/people.js';
import { createRosterImport } from '../../server/repositories/roster-imports.js';
import { decodeRoster, parseRoster, rosterTemplate } from '../../server/services/roster-csv.js';
import { applyRoster, invitationsForImport, planRoster } from '../../server/services/roster-import.js';
import { buildTestApp } from '../helpers.js';

const roles = parseMapFile('txnsi.json', fs.readFileSync(path.join(projectRoot, 'data/maps/txnsi.json'), 'utf8')).roles;
const HEADER = 'email,name,district,site,role,facilitator';
const roster = (...lines: string[]): string => [HEADER, ...lines].join('\n');

const ana = 'ana@elm.example.org,Ana López,Cedar ISD,Elm Middle,improvement-team,yes';
const ben = 'ben@elm.example.org,Ben Okafor,Cedar ISD,Elm Middle,improvement-team,no';
const carla = 'carla@elm.example.org,Carla Díaz,Cedar ISD,Elm Middle,School leader,';
const dev = 'dev@cedar.example.org,Dev Patel,Cedar ISD,,district-leader,no';
const hana = 'hana@hub.example.org,Hana Kim,,,hub-team,yes';

let app: FastifyInstance;
beforeEach(async () => {
  app = await buildTestApp();
  await createPerson(app.db, { email: 'admin@hub.example.org', name: 'Admin', isNetworkAdmin: true });
});
afterEach(async () => {
  await app.close();
});

/** Row counts of every table a roster could write to. */
async function tableCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['people', 'districts', 'sites', 'groups', 'group_members', 'roster_import_people', 'audit_events']) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(app.db);
    counts[table] = rows[0]!.n;
  }
  return counts;
}

async function importText(text: string) {
  const id = await createRosterImport(app.db, { uploadedBy: 1, fileName: 'roster.csv', contents: text });
  return { id, result: await applyRoster(app.db, id, text, roles, 1) };
}

describe('parseRoster', () => {
  it('reads a file with a BOM, CRLF line ends, quoted commas and blank lines, keeping true line numbers', async () => {
    const text = `\uFEFF${HEADER}\r\n\r\n"lopez@elm.example.org","López, Ana",Cedar ISD,Elm Middle,improvement-team,yes\r\n\r\n\r\n${ben}\r\n`;
    const parsed = await parseRoster(text, roles);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows.map((row) => [row.line, row.name, row.facilitator])).toEqual([
      [3, 'López, Ana', true],
      [6, 'Ben Okafor', false],
    ]);
  });

  it('accepts a role by key or by name, in any case', async () => {
    const parsed = await parseRoster(roster(carla, 'x@elm.example.org,X,Cedar ISD,Elm Middle,IMPROVEMENT FACILITATOR,no'), roles);
    expect(parsed.rows.map((row) => row.roleKey)).toEqual(['school-leader', 'improvement-facilitator']);
  });

  it.each([
    ['an empty file', '', [{ line: 0, column: null, reason: 'The file is empty.' }]],
    ['only blank lines', '\n\n  \n', [{ line: 0, column: null, reason: 'The file is empty.' }]],
    ['a header and no people', HEADER, [{ line: 0, column: null, reason: 'The file has column names but no people.' }]],
    [
      'a missing column',
      'email,name,district,site,facilitator\nana@x.org,Ana,D,S,yes',
      [{ line: 1, column: 'role', reason: 'The first line must name the columns email, name, district, site, role, facilitator ("school" for site is fine); role is missing.' }],
    ],
    [
      'an unknown role',
      roster('ana@x.org,Ana,D,S,teacher,no'),
      [{ line: 2, column: 'role', reason: '"teacher" is not a role. Use one of: improvement-team, improvement-facilitator, school-leader, district-leader, hub-team.' }],
    ],
    ['a bad email', roster('ana-at-elm,Ana,D,S,improvement-team,no'), [{ line: 2, column: 'email', reason: '"ana-at-elm" is not an email address.' }]],
    [
      'the same email twice with different names',
      roster(ana, 'ana@elm.example.org,Ana Lopez,Cedar ISD,Elm Middle,school-leader,no'),
      [{ line: 3, column: 'name', reason: 'ana@elm.example.org is called "Ana López" on line 2: one person, one name.' }],
    ],
    ['a site role without a site', roster('ana@x.org,Ana,Cedar ISD,,improvement-team,no'), [{ line: 2, column: 'site', reason: 'A improvement-team row needs both a district and a site.' }]],
    ['a hub row with a district', roster('h@x.org,H,Cedar ISD,,hub-team,no'), [{ line: 2, column: 'district', reason: 'Leave district and site empty for the hub team.' }]],
    ['a facilitator value that is not yes or no', roster('ana@x.org,Ana,D,S,improvement-team,maybe'), [{ line: 2, column: 'facilitator', reason: '"maybe" is not yes or no.' }]],
    ['a missing name', roster('ana@x.org,,D,S,improvement-team,no'), [{ line: 2, column: 'name', reason: 'The name is missing.' }]],
  ])('reports %s with its line, column and reason', async (_name, text, problems) => {
    expect((await parseRoster(text, roles)).problems).toEqual(problems);
  });

  it('refuses files that are not UTF-8 or larger than 5 MB', () => {
    expect(decodeRoster(new Uint8Array([0x41, 0xff, 0xfe]))).toMatchObject({ reason: expect.stringContaining('not UTF-8') });
    expect(decodeRoster(new Uint8Array(5 * 1024 * 1024 + 1))).toMatchObject({ reason: 'The file is larger than 5 MB.' });
    expect(decodeRoster(new Uint8Array())).toMatchObject({ reason: 'The file is empty.' });
  });

  it('offers a template that parses cleanly', async () => {
    const parsed = await parseRoster(rosterTemplate(), roles);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows).toHaveLength(5);
  });
});

describe('importing a roster', () => {
  it('previews without writing anything', async () => {
    const before = await tableCounts();
    const plan = await planRoster(app.db, roster(ana, ben, carla, dev, hana), roles);
    expect(plan.problems).toEqual([]);
    expect(plan.counts).toEqual({ create: 5, update: 0, unchanged: 0 });
    expect(plan.newDistricts).toEqual(['Cedar ISD']);
    expect(plan.newSites).toEqual(['Elm Middle (Cedar ISD)']);
    expect(plan.newGroups).toEqual(['Elm Middle improvement team', 'Elm Middle school leader', 'Cedar ISD district leader', 'Hub team']);
    expect(await tableCounts()).toEqual(before);
  });

  it('creates districts, sites, groups, people and memberships in one go', async () => {
    const { result } = await importText(roster(ana, ben, carla, dev, hana));
    expect(result.ok).toBe(true);
    const members = await app.db
      .selectFrom('group_members')
      .innerJoin('people', 'people.id', 'group_members.person_id')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['people.email', 'groups.name', 'groups.role_key', 'group_members.is_facilitator'])
      .orderBy('people.email')
      .execute();
    expect(members).toEqual([
      { email: 'ana@elm.example.org', name: 'Elm Middle improvement team', role_key: 'improvement-team', is_facilitator: 1 },
      { email: 'ben@elm.example.org', name: 'Elm Middle improvement team', role_key: 'improvement-team', is_facilitator: 0 },
      { email: 'carla@elm.example.org', name: 'Elm Middle school leader', role_key: 'school-leader', is_facilitator: 0 },
      { email: 'dev@cedar.example.org', name: 'Cedar ISD district leader', role_key: 'district-leader', is_facilitator: 0 },
      { email: 'hana@hub.example.org', name: 'Hub team', role_key: 'hub-team', is_facilitator: 1 },
    ]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const text = roster(ana, ben, carla, dev, hana);
    await importText(text);
    const before = await tableCounts();
    const plan = await planRoster(app.db, text, roles);
    expect(plan.counts).toEqual({ create: 0, update: 0, unchanged: 5 });
    expect(plan.newGroups).toEqual([]);
    const { result } = await importText(text);
    expect(result.ok).toBe(true);
    const after = await tableCounts();
    // Only the second import's own audit entry is new.
    expect(after).toEqual({ ...before, audit_events: before.audit_events! + 1 });
  });

  it('updates a known person matched by email, whatever the case', async () => {
    await importText(roster(ana));
    const plan = await planRoster(app.db, roster('ANA@elm.example.org,Ana López-Ruiz,Cedar ISD,Elm Middle,improvement-team,no'), roles);
    expect(plan.rows.map((row) => [row.person, row.membership])).toEqual([['update', 'update']]);
    await importText(roster('ANA@elm.example.org,Ana López-Ruiz,Cedar ISD,Elm Middle,improvement-team,no'));
    const person = await app.db.selectFrom('people').select(['name']).where('email', '=', 'ana@elm.example.org').executeTakeFirstOrThrow();
    expect(person.name).toBe('Ana López-Ruiz');
    expect((await tableCounts()).people).toBe(2);
  });

  it.each([
    ['an unknown role', roster(ana, 'zed@x.org,Zed,Cedar ISD,Elm Middle,teacher,no')],
    ['a bad email on the last line', roster(ana, ben, 'not-an-email,Zed,Cedar ISD,Elm Middle,improvement-team,no')],
    ['the same email twice with different names', roster(ana, 'ana@elm.example.org,Someone Else,Cedar ISD,Elm Middle,school-leader,no')],
    ['a missing column', 'email,name,district,site,role\nana@x.org,Ana,D,S,improvement-team'],
    ['one person twice in a group with different facilitator values', roster(ana, 'ana@elm.example.org,Ana López,Cedar ISD,Elm Middle,improvement-team,no')],
  ])('writes nothing at all for a file with %s', async (_name, text) => {
    const before = await tableCounts();
    const { result } = await importText(text);
    expect(result.ok).toBe(false);
    expect(result.plan.problems.length).toBeGreaterThan(0);
    expect(await tableCounts()).toEqual(before);
  });

  it('issues invitation links for the people it created, once each, escaping spreadsheet formulas', async () => {
    await createPerson(app.db, { email: 'ben@elm.example.org', name: 'Ben Okafor' });
    const { id, result } = await importText(roster(ana, ben, 'eve@evil.example.org,"=HYPERLINK(""x"")",Cedar ISD,Elm Middle,improvement-team,no'));
    expect(result.ok).toBe(true);
    const rows = await invitationsForImport(app.db, id, 1, 'https://icmap.example.org');
    expect(rows.map((row) => row.name).sort()).toEqual(['=HYPERLINK("x")', 'Ana López']);
    expect(rows[0]!.link).toMatch(/^https:\/\/icmap\.example\.org\/access\/[A-Za-z0-9_-]{43}$/);
  });
});
