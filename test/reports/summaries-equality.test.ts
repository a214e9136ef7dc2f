/**
 * The summary-backed reports equal the full queries they replaced (test/reports/oracle.ts), on the demo
 * network and on a generated one after revisions, a reopened check, archiving, membership changes and
 * new submissions; and the migration's fill gives the same summaries as the writes kept.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillReportSummaries } from '../../migrations/0011_report_summaries.js';
import { groupRoleKeys } from '../../server/access/group-roles.js';
import { loadAccessScope } from '../../server/access/load-scope.js';
import type { AccessScope } from '../../server/access/scope.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/connection.js';
import type { Database } from '../../server/db/schema.js';
import type { IcMap } from '../../server/maps/schema.js';
import { findPersonByEmail } from '../../server/repositories/people.js';
import { checkGroupProgress, checkProgressTotals, findCheck, type ProgressFilter } from '../../server/repositories/progress-checks.js';
import { countIndividualGroups, districtLevelCounts, latestCheckWithConsensus, openCheckAgreement, roleLevelCounts } from '../../server/repositories/reports.js';
import { markSubmitted } from '../../server/repositories/self-assessments.js';
import { recordConsensus } from '../../server/services/consensus.js';
import { addMembership, addNewMember, archivePerson, archiveThing, removeMembership } from '../../server/services/organisation.js';
import { changeCheckDates, closeCheck, openCheck, reopenCheck, todayUtc } from '../../server/services/progress-checks.js';
import { listDistricts } from '../../server/repositories/organisation.js';
import { changeBetween, districtMedians, districtsSideBySide, DISTRICTS_PER_PAGE, siteComparisonPage, siteRows, sortSites, type SiteRow } from '../../server/services/reports.js';
import { DEMO_PASSWORD } from '../../tools/demo/generate.js';
import { hashPassword } from '../../server/services/passwords.js';
import { catalog, generateInto, tempFolder } from '../demo/support.js';
import * as oracle from './oracle.js';

const TODAY = todayUtc();
const temp = tempFolder();
const map: IcMap = catalog.list()[0]!;
const outcomeCount = map.roles[0]?.outcomes.length ?? 0;
let passwordHash = '';

beforeAll(async () => {
  passwordHash = await hashPassword(DEMO_PASSWORD);
});
afterAll(() => {
  temp.remove();
});

interface Network {
  handle: DatabaseHandle;
  db: Kysely<Database>;
  scopes: { name: string; scope: AccessScope }[];
  checkIds: number[];
  districtIds: number[];
}

/** The database in a file, as an in-memory copy: thousands of report queries follow, none of them about storage. */
function inMemoryCopy(file: string): DatabaseHandle {
  const source = new SQLite(file);
  try {
    // An image of a database in WAL mode cannot be opened in memory; in rollback mode it can.
    source.pragma('journal_mode = DELETE');
    return openDatabase(':memory:', { image: source.serialize() });
  } finally {
    source.close();
  }
}

async function openNetwork(file: string, personaEmails: readonly string[]): Promise<Network> {
  const handle = inMemoryCopy(file);
  const db = handle.db;
  const scopes: Network['scopes'] = [];
  const admin = await db.selectFrom('people').selectAll().where('is_network_admin', '=', 1).executeTakeFirstOrThrow();
  scopes.push({ name: 'network admin', scope: await loadAccessScope(db, admin) });
  for (const email of personaEmails) {
    const person = await findPersonByEmail(db, email);
    if (person !== undefined) scopes.push({ name: email, scope: await loadAccessScope(db, person) });
  }
  const checkIds = (await db.selectFrom('progress_checks').select('id').orderBy('opens_on', 'desc').orderBy('id', 'desc').execute()).map((row) => row.id);
  const districtIds = (await db.selectFrom('districts').select('id').orderBy('id').execute()).map((row) => row.id);
  return { handle, db, scopes, checkIds, districtIds };
}

type OracleRows = Awaited<ReturnType<typeof oracle.siteComparison>>;

/**
 * A page of sites as the site comparison showed it before the summaries: every site loaded, sorted, then sliced.
 * `rows` is the full query's answer for the scope and filter (the same for every sort and page: the database does not change meanwhile).
 */
function oraclePage(rows: OracleRows, principle: string | null, page: number, perPage: number) {
  const sites = sortSites(siteRows(rows), map, principle);
  return {
    sites: sites.slice((page - 1) * perPage, page * perPage),
    total: sites.length,
    agreed: {
      all: sites.filter((site) => site.cells.size >= outcomeCount).length,
      some: sites.filter((site) => site.cells.size > 0 && site.cells.size < outcomeCount).length,
      none: sites.filter((site) => site.cells.size === 0).length,
    },
  };
}

const plainSites = (sites: SiteRow[]) => sites.map((site) => ({ ...site, cells: [...site.cells].sort(([a], [b]) => a.localeCompare(b)) }));
const sorted = <T>(rows: readonly T[]): T[] => [...rows].map((row) => JSON.stringify(row)).sort().map((row) => JSON.parse(row) as T);

/** Sums level counts over districts, as the growth chart does. */
function byCheckOutcomeLevel(rows: readonly { check_id: number; outcome_code: string; level: number; groups: number }[]) {
  const totals = new Map<string, number>();
  for (const row of rows) {
    const key = `${row.check_id}|${row.outcome_code}|${row.level}`;
    totals.set(key, (totals.get(key) ?? 0) + row.groups);
  }
  return [...totals].filter(([, groups]) => groups > 0).sort(([a], [b]) => a.localeCompare(b));
}

/**
 * The growth page's districts side by side, page by page (pages of 1 and the page's real size), against
 * the whole table as the page built it before paging: every visible district's median from the full
 * counts. Every page together shows every district once, in the table's order.
 */
async function expectSideBySideEqual(
  db: Kysely<Database>,
  scope: AccessScope,
  roleKey: string,
  checkIds: readonly number[],
  oldCounts: readonly (oracle.LevelCountRow & { district_id: number | null })[],
  what: string,
): Promise<number> {
  const role = map.roles.find((candidate) => candidate.key === roleKey)!;
  const districts = (await listDistricts(db, scope)).filter((district) => district.archived_at === null);
  const medianOf = districtMedians(oldCounts, map.levels.length);
  let compared = 0;
  // [latest, before] pairs as the page picks them (oldest first there), and a latest check with none before.
  for (const [latest, before] of [[checkIds[1], checkIds[2]], [checkIds[0], checkIds[1]], [checkIds.at(-1), undefined]] as const) {
    if (latest === undefined) continue;
    const whole = role.outcomes.map((outcome) =>
      districts.map((district) => {
        const now = medianOf(district.id, latest, outcome.code);
        return { districtId: district.id, median: now, change: now === null ? null : changeBetween(medianOf(district.id, before, outcome.code), now) };
      }),
    );
    for (const perPage of [1, DISTRICTS_PER_PAGE]) {
      const pages = Math.max(1, Math.ceil(districts.length / perPage));
      const seen: number[] = [];
      for (let page = 1; page <= pages + 1; page += 1) {
        const label = `${what}: districts side by side, checks ${latest}/${before ?? '-'}, page ${page} of ${perPage}`;
        const reads = { queries: 0, rows: 0 };
        const counted = db.withPlugin({
          transformQuery: ({ node }) => node,
          transformResult: async ({ result }) => {
            reads.queries += 1;
            reads.rows += result.rows.length;
            return result;
          },
        });
        const actual = await districtsSideBySide(counted, scope, { role, levelCount: map.levels.length, latestCheckId: latest, beforeCheckId: before, districts, page, perPage });
        // One query (none with no district to show), reading at most a row per shown district, check, outcome and level: the page's cost, whatever the network's size.
        expect(reads.queries, label).toBe(actual.districts.length === 0 ? 0 : 1);
        expect(reads.rows, label).toBeLessThanOrEqual(actual.districts.length * (before === undefined ? 1 : 2) * role.outcomes.length * map.levels.length);
        // A page past the end shows the last one.
        const shown = Math.min(page, pages);
        const offset = (shown - 1) * perPage;
        expect({ page: actual.page, pages: actual.pages, total: actual.total, first: actual.first, last: actual.last }, label).toEqual({
          page: shown,
          pages,
          total: districts.length,
          first: districts.length === 0 ? 0 : offset + 1,
          last: Math.min(districts.length, offset + perPage),
        });
        expect(actual.districts, label).toEqual(districts.slice(offset, offset + perPage).map(({ id, name }) => ({ id, name })));
        expect(actual.rows.map((row) => row.cells), label).toEqual(whole.map((cells) => cells.slice(offset, offset + perPage)));
        if (page <= pages) seen.push(...actual.districts.map((district) => district.id));
        compared += 1;
      }
      expect(seen, `${what}: every district once, in order`).toEqual(districts.map((district) => district.id));
    }
  }
  return compared;
}

/** Compares every summary-backed report with its oracle, for every scope, check, role, district and sort. */
async function expectReportsEqual(network: Network): Promise<number> {
  const { db, scopes, checkIds, districtIds } = network;
  let compared = 0;
  for (const { name, scope } of scopes) {
    for (const roleKey of groupRoleKeys) {
      expect(await latestCheckWithConsensus(db, scope, roleKey, checkIds), `${name} ${roleKey}: latest check`).toBe(await oracle.latestCheckWithConsensus(db, scope, roleKey, checkIds));
      for (const districtId of [null, ...districtIds]) {
        const what = `${name}, ${roleKey}, district ${districtId ?? 'all'}`;
        const oldCounts = await oracle.roleLevelCounts(db, scope, { roleKey, districtId });
        expect(byCheckOutcomeLevel(await roleLevelCounts(db, scope, { roleKey, districtId })), `${what}: growth`).toEqual(byCheckOutcomeLevel(oldCounts));
        expect(sorted(await openCheckAgreement(db, scope, { checkIds, roleKey, districtId, outcomeCount })), `${what}: agreement`).toEqual(
          sorted(await oracle.openCheckAgreement(db, scope, { checkIds, roleKey, districtId, outcomeCount })),
        );
        if (districtId === null) {
          for (const pair of [checkIds.slice(0, 2), checkIds.slice(1, 3)]) {
            const fresh = (await districtLevelCounts(db, scope, { roleKey, checkIds: pair, districtIds })).filter((row) => row.district_id !== null && row.groups > 0);
            const old = oldCounts.filter((row) => row.district_id !== null && pair.includes(row.check_id));
            expect(sorted(fresh), `${what}: districts side by side`).toEqual(sorted(old));
          }
          compared += await expectSideBySideEqual(db, scope, roleKey, checkIds, oldCounts, what);
        }
        for (const checkId of checkIds) {
          expect(await countIndividualGroups(db, scope, { checkId, roleKey, districtId }), `${what}, check ${checkId}: one-person groups`).toBe(
            await oracle.countIndividualGroups(db, scope, { checkId, roleKey, districtId }),
          );
          const principles = name === 'network admin' || districtId === null ? [null, ...map.principles.map((p) => p.code), '9'] : [null];
          for (const minGroupSize of [1, 3]) {
            const filter = { checkId, roleKey, districtId, minGroupSize };
            const rows = await oracle.siteComparison(db, scope, filter);
            for (const principle of principles) {
              // Pages of 3 sites, to page through ties; and the real page of 50.
              for (const perPage of [3, 50]) {
                const first = oraclePage(rows, principle, 1, perPage);
                const pages = Math.max(1, Math.ceil(first.total / perPage));
                for (let page = 1; page <= pages; page += 1) {
                  const expected = page === 1 ? first : oraclePage(rows, principle, page, perPage);
                  const actual = await siteComparisonPage(db, scope, { ...filter, principle }, { page, perPage, outcomeCount });
                  const label = `${what}, check ${checkId}, min ${minGroupSize}, sort ${principle ?? 'overall'}, page ${page} of ${perPage}`;
                  expect({ ...actual, sites: plainSites(actual.sites) }, label).toEqual({ ...expected, sites: plainSites(expected.sites) });
                  compared += 1;
                }
              }
            }
          }
        }
      }
      for (const checkId of checkIds) {
        const filters: ProgressFilter[] = [
          { outcomeCount },
          { outcomeCount, roleKey },
          ...(['waiting', 'submitted', 'hidden', 'revealed', 'agreeing', 'agreed'] as const).map((status) => ({ outcomeCount, roleKey, status })),
          ...(['submitted', 'agreed'] as const).map((sort) => ({ outcomeCount, sort })),
          ...districtIds.map((districtId) => ({ outcomeCount, districtId })),
        ];
        for (const filter of filters) {
          const label = `${name}, check ${checkId}, tracking ${JSON.stringify(filter)}`;
          expect(await checkProgressTotals(db, checkId, scope, filter), label).toEqual(await oracle.checkProgressTotals(db, checkId, scope, filter));
          expect(await checkGroupProgress(db, checkId, scope, filter, { limit: 7, offset: 7 }), label).toEqual(
            await oracle.checkGroupProgress(db, checkId, scope, filter, { limit: 7, offset: 7 }),
          );
          expect(await checkGroupProgress(db, checkId, scope, filter), label).toEqual(await oracle.checkGroupProgress(db, checkId, scope, filter));
        }
      }
    }
  }
  return compared;
}

const SUMMARY_QUERIES = {
  report_check_groups: 'select * from report_check_groups order by check_id, group_id',
  report_principle_levels: 'select * from report_principle_levels order by check_id, group_id, principle',
  report_role_levels: 'select * from report_role_levels where group_count > 0 order by role_key, check_id, outcome_code, level',
  report_district_levels: 'select * from report_district_levels where group_count > 0 order by role_key, check_id, district_id, outcome_code, level',
};

/** The summaries as the writes left them equal what the migration's fill computes from the records. */
async function expectFillEqual(db: Kysely<Database>): Promise<void> {
  const read = async () => Object.fromEntries(await Promise.all(Object.entries(SUMMARY_QUERIES).map(async ([table, text]) => [table, (await sql.raw(text).execute(db)).rows] as const)));
  const kept = await read();
  expect(kept.report_check_groups?.length).toBeGreaterThan(0);
  for (const table of Object.keys(SUMMARY_QUERIES)) await sql.raw(`delete from ${table}`).execute(db);
  const progress: string[] = [];
  await fillReportSummaries(db, (done, total) => progress.push(`${done}/${total}`));
  expect(progress.at(-1)).toMatch(/^(\d+)\/\1$/);
  expect(await read()).toEqual(kept);
}

describe('the demo network (8 sites, 3 checks)', () => {
  let network: Network;
  beforeAll(async () => {
    const file = path.join(temp.folder, 'demo.sqlite');
    const result = await generateInto(file, { sites: 8, checks: 3, seed: 1, today: TODAY, passwordHash });
    network = await openNetwork(file, result.personas.map((persona) => persona.email));
  }, 120_000);
  afterAll(async () => {
    await network.handle.close();
  });

  it('gives the same site comparison, growth, open-check agreement and tracking page as the full queries', async () => {
    expect(await expectReportsEqual(network)).toBeGreaterThan(100);
  }, 300_000);

  it('has summaries equal to the migration fill, so the generator leaves them filled', async () => {
    await expectFillEqual(network.db);
  });
});

describe('a generated network after revisions, a reopened check, archiving and membership changes', () => {
  let network: Network;
  beforeAll(async () => {
    const file = path.join(temp.folder, 'changed.sqlite');
    const result = await generateInto(file, { sites: 14, checks: 4, seed: 9, today: TODAY, passwordHash });
    network = await openNetwork(file, result.personas.map((persona) => persona.email));
    const { db } = network;
    const admin = network.scopes[0];
    if (admin === undefined) throw new Error('no admin');
    const actor = { id: admin.scope.personId, scope: admin.scope };
    const [openId, lastClosedId, , oldestId] = network.checkIds;
    if (openId === undefined || lastClosedId === undefined || oldestId === undefined) throw new Error('expected 4 checks');

    // Revisions: a level changed (twice for one), and the same level saved again.
    const records = await db.selectFrom('consensus_records').selectAll().where('check_id', 'in', [lastClosedId, oldestId]).orderBy('group_id').orderBy('outcome_code').limit(40).execute();
    for (const [index, record] of records.entries()) {
      if (index % 3 === 2) continue;
      const level = index % 3 === 0 ? ((record.level % 5) + 1) : record.level;
      const input = { checkId: record.check_id, groupId: record.group_id, outcomeCode: record.outcome_code, level, rationale: 'Revisited.', dissent: index % 2 === 0 ? 'One of us disagrees.' : '', nextStep: '', recordedBy: record.updated_by };
      const saved = await recordConsensus(db, input, record.version);
      if (index === 0 && saved.ok) await recordConsensus(db, { ...input, level: ((level + 1) % 5) + 1 }, saved.version);
    }
    // New consensus in the open check for groups that had none; and a partial one.
    const waiting = await db.selectFrom('check_groups').select('group_id').where('check_id', '=', openId)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('consensus_records').select('consensus_records.group_id').whereRef('consensus_records.group_id', '=', 'check_groups.group_id').where('consensus_records.check_id', '=', openId))))
      .orderBy('group_id').limit(4).execute();
    for (const [index, { group_id }] of waiting.entries()) {
      for (const outcome of map.roles[0]?.outcomes.slice(0, index === 0 ? 3 : undefined) ?? []) {
        await recordConsensus(db, { checkId: openId, groupId: group_id, outcomeCode: outcome.code, level: 1 + ((group_id + outcome.code.length) % 5), rationale: '', dissent: '', nextStep: '', recordedBy: actor.id }, 0);
      }
    }
    // The open check closed and reopened; an older check moved before the oldest (its "previous" levels change).
    const open = await findCheck(db, openId);
    if (open === undefined) throw new Error('no open check');
    await closeCheck(db, actor, open);
    await reopenCheck(db, actor, (await findCheck(db, openId))!, open.closes_on, TODAY);
    const moved = (await findCheck(db, openId))!;
    await changeCheckDates(db, actor, moved, { opensOn: '2000-01-01', closesOn: moved.closes_on }, TODAY);
    // Archiving: a group, a site and a district.
    const teams = await db.selectFrom('groups').selectAll().where('role_key', '=', 'improvement-team').orderBy('id').execute();
    const [firstTeam, secondTeam, thirdTeam, fourthTeam] = teams;
    if (firstTeam === undefined || secondTeam === undefined || thirdTeam === undefined || fourthTeam === undefined) throw new Error('expected teams');
    await archiveThing(db, actor.id, 'group', secondTeam.id, true);
    await archiveThing(db, actor.id, 'site', thirdTeam.site_id!, true);
    await archiveThing(db, actor.id, 'district', network.districtIds.at(-1)!, true);
    // Membership: a team cut to one member (now a one-person group), a person archived, a member added.
    const members = await db.selectFrom('group_members').select('person_id').where('group_id', '=', fourthTeam.id).orderBy('person_id').execute();
    for (const member of members.slice(1)) await removeMembership(db, actor.id, fourthTeam.id, member.person_id);
    const firstMembers = await db.selectFrom('group_members').select('person_id').where('group_id', '=', firstTeam.id).orderBy('person_id').execute();
    await archivePerson(db, actor.id, firstMembers[0]!.person_id, true);
    await addNewMember(db, actor.id, firstTeam.id, { name: 'Nova Reyes', email: 'nova.reyes@example.org' }, false);
    await addMembership(db, actor.id, secondTeam.id, firstMembers[1]!.person_id, true);
    // Submissions: the drafts in the open check submitted.
    const drafts = await db.selectFrom('self_assessments').select('id').where('check_id', '=', openId).where('submitted_at', 'is', null).execute();
    for (const draft of drafts) await markSubmitted(db, draft.id);
    // A new check with every improvement team, after all of the above.
    await openCheck(db, catalog, actor, { name: 'Late spring', mapId: map.id, opensOn: TODAY, closesOn: TODAY, districtId: null, roleKeys: ['improvement-team'] });
    network.checkIds = (await db.selectFrom('progress_checks').select('id').orderBy('opens_on', 'desc').orderBy('id', 'desc').execute()).map((row) => row.id);
  }, 180_000);
  afterAll(async () => {
    await network.handle.close();
  });

  it('gives the same reports as the full queries', async () => {
    expect(await expectReportsEqual(network)).toBeGreaterThan(100);
  }, 600_000);

  it('has summaries equal to the migration fill', async () => {
    await expectFillEqual(network.db);
  });
});
