/**
 * The report queries as they were before the summaries (migration 0011): each aggregates the whole
 * network on every request. Kept here, and only here, as the oracle the summary-backed reports must equal.
 */
import { sql, type RawBuilder } from 'kysely';
import type { AccessScope } from '../../server/access/scope.js';
import type { Db } from '../../server/db/types.js';
import { groupIdVisible } from '../../server/repositories/visibility.js';
import type { ProgressFilter, ProgressTotals, CheckGroupProgress } from '../../server/repositories/progress-checks.js';

export interface SiteFilterInput {
  checkId: number;
  roleKey: string;
  districtId: number | null;
  minGroupSize: number;
}

export interface SiteComparisonRow {
  group_id: number;
  group_name: string;
  site_name: string | null;
  district_name: string | null;
  /** null (with level) for a group taking part that has agreed nothing yet. */
  outcome_code: string | null;
  level: number | null;
  dissent: number;
  previous_level: number | null;
}

/**
 * Every visible group of a role taking part in one check, with its agreed levels (none yet for a group
 * still agreeing) and the level of its previous check: every site is listed, agreed or not.
 */
export async function siteComparison(
  db: Db,
  scope: AccessScope,
  filter: { checkId: number; roleKey: string; districtId: number | null; minGroupSize: number },
): Promise<SiteComparisonRow[]> {
  let query = db
    .selectFrom('check_groups as cg')
    .innerJoin('progress_checks as pc', 'pc.id', 'cg.check_id')
    .innerJoin('groups', 'groups.id', 'cg.group_id')
    .leftJoin('consensus_records as cr', (join) => join.onRef('cr.check_id', '=', 'cg.check_id').onRef('cr.group_id', '=', 'cg.group_id'))
    .leftJoin('sites', 'sites.id', 'groups.site_id')
    .leftJoin('districts', (join) =>
      join.on((eb) => eb.or([eb('districts.id', '=', eb.ref('groups.district_id')), eb('districts.id', '=', eb.ref('sites.district_id'))])),
    )
    .select(['groups.id as group_id', 'groups.name as group_name', 'sites.name as site_name', 'districts.name as district_name', 'cr.outcome_code', 'cr.level'])
    .select(sql<number>`coalesce(cr.dissent != '', 0)`.as('dissent'))
    .select(
      sql<number | null>`(select prev.level from consensus_records prev join progress_checks prev_check on prev_check.id = prev.check_id
        where cr.outcome_code is not null and prev.group_id = cr.group_id and prev.outcome_code = cr.outcome_code and prev_check.opens_on < pc.opens_on
        order by prev_check.opens_on desc limit 1)`.as('previous_level'),
    )
    .where('cg.check_id', '=', filter.checkId)
    .where('groups.role_key', '=', filter.roleKey)
    .where((eb) => groupIdVisible(eb, 'cg.group_id', scope));
  if (filter.districtId !== null) query = query.where('districts.id', '=', filter.districtId);
  if (filter.minGroupSize > 1) query = query.where(sql<boolean>`not ${individualGroup(sql.ref('cg.group_id'), sql.ref('cg.check_id'))}`);
  return query.execute();
}

/** The newest check (of those given, newest first) in which a visible group of the role has recorded consensus. */
export async function latestCheckWithConsensus(db: Db, scope: AccessScope, roleKey: string, checkIds: readonly number[]): Promise<number | undefined> {
  for (const checkId of checkIds) {
    const found = await db
      .selectFrom('consensus_records as cr')
      .innerJoin('groups', 'groups.id', 'cr.group_id')
      .select('cr.group_id')
      .where('cr.check_id', '=', checkId)
      .where('groups.role_key', '=', roleKey)
      .where((eb) => groupIdVisible(eb, 'cr.group_id', scope))
      .limit(1)
      .executeTakeFirst();
    if (found !== undefined) return checkId;
  }
  return undefined;
}

/** SQL for "this group's record in this check is one person's": one active member and at most one submission. */
function individualGroup(groupId: RawBuilder<unknown>, checkId: RawBuilder<unknown>) {
  return sql<boolean>`((select count(*) from group_members gm join people pe on pe.id = gm.person_id
      where gm.group_id = ${groupId} and pe.archived_at is null) <= 1
    and (select count(*) from self_assessments sa where sa.group_id = ${groupId} and sa.check_id = ${checkId} and sa.submitted_at is not null) <= 1)`;
}

/** How many one-person groups of a role have a record in a check, among those the viewer may see (left out of the site comparison). */
export async function countIndividualGroups(db: Db, scope: AccessScope, filter: { checkId: number; roleKey: string; districtId: number | null }): Promise<number> {
  let query = db
    .selectFrom('check_groups as cg')
    .innerJoin('groups', 'groups.id', 'cg.group_id')
    .leftJoin('sites', 'sites.id', 'groups.site_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cg.check_id', '=', filter.checkId)
    .where('groups.role_key', '=', filter.roleKey)
    .where((eb) => groupIdVisible(eb, 'cg.group_id', scope))
    .where((eb) => eb.exists(eb.selectFrom('consensus_records as r').select('r.group_id').whereRef('r.group_id', '=', 'cg.group_id').whereRef('r.check_id', '=', 'cg.check_id')))
    .where(individualGroup(sql.ref('cg.group_id'), sql.ref('cg.check_id')));
  if (filter.districtId !== null) query = query.where(sql<number>`coalesce(groups.district_id, sites.district_id)`, '=', filter.districtId);
  const row = await query.executeTakeFirstOrThrow();
  return row.n;
}

export interface LevelCountRow {
  check_id: number;
  outcome_code: string;
  level: number;
  groups: number;
}

/** How many visible groups of a role agreed each level, per check and outcome (optionally per district). */
export async function roleLevelCounts(db: Db, scope: AccessScope, filter: { roleKey: string; districtId: number | null }): Promise<(LevelCountRow & { district_id: number | null })[]> {
  let query = db
    .selectFrom('consensus_records as cr')
    .innerJoin('groups', 'groups.id', 'cr.group_id')
    .leftJoin('sites', 'sites.id', 'groups.site_id')
    .select(['cr.check_id', 'cr.outcome_code', 'cr.level'])
    .select(sql<number | null>`coalesce(groups.district_id, sites.district_id)`.as('district_id'))
    .select((eb) => eb.fn.countAll<number>().as('groups'))
    .where('groups.role_key', '=', filter.roleKey)
    .where((eb) => groupIdVisible(eb, 'cr.group_id', scope))
    .groupBy(['cr.check_id', 'cr.outcome_code', 'cr.level', sql`coalesce(groups.district_id, sites.district_id)`]);
  if (filter.districtId !== null) {
    const districtId = filter.districtId;
    query = query.where(sql`coalesce(groups.district_id, sites.district_id)`, '=', districtId);
  }
  return query.execute();
}

export interface OpenCheckAgreement {
  check_id: number;
  /** Visible groups of the role (in the district, if one is chosen) taking part in the check. */
  groups: number;
  /** Of those, groups with every outcome agreed. */
  groups_agreed: number;
}

/**
 * For the growth page's open checks: how many groups of one role take part and how many have agreed
 * every outcome, one aggregate for all the checks given (each group's count read from the primary key).
 */
export async function openCheckAgreement(
  db: Db,
  scope: AccessScope,
  filter: { checkIds: readonly number[]; roleKey: string; districtId: number | null; outcomeCount: number },
): Promise<OpenCheckAgreement[]> {
  if (filter.checkIds.length === 0) return [];
  let taking = db
    .selectFrom('check_groups as cg')
    .innerJoin('groups', 'groups.id', 'cg.group_id')
    .select('cg.check_id')
    .select((eb) =>
      eb
        .selectFrom('consensus_records as cr')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('cr.check_id', '=', 'cg.check_id')
        .whereRef('cr.group_id', '=', 'cg.group_id')
        .as('agreed'),
    )
    .where('cg.check_id', 'in', filter.checkIds)
    .where('groups.role_key', '=', filter.roleKey)
    .where((eb) => groupIdVisible(eb, 'cg.group_id', scope));
  if (filter.districtId !== null) {
    const districtId = filter.districtId;
    taking = taking
      .leftJoin('sites', 'sites.id', 'groups.site_id')
      .where(sql`coalesce(groups.district_id, sites.district_id)`, '=', districtId);
  }
  return db
    .selectFrom(taking.as('t'))
    .select('t.check_id')
    .select(sql<number>`count(*)`.as('groups'))
    .select(sql<number>`coalesce(sum(t.agreed >= ${filter.outcomeCount}), 0)`.as('groups_agreed'))
    .groupBy('t.check_id')
    .execute();
}

// ---- the check tracking page ----

/**
 * Each visible taking-part group with its counts, worked out in SQL (one indexed look-up per group and
 * count), so a network of thousands of groups is filtered, counted and paged without loading it.
 */
function progressRows(db: Db, checkId: number, scope: AccessScope) {
  return db
    .selectFrom('check_groups')
    .innerJoin('groups', 'groups.id', 'check_groups.group_id')
    .leftJoin('sites', 'sites.id', 'groups.site_id')
    .leftJoin('districts', (join) =>
      join.on((eb) => eb.or([eb('districts.id', '=', eb.ref('groups.district_id')), eb('districts.id', '=', eb.ref('sites.district_id'))])),
    )
    .select([
      'groups.id as group_id',
      'groups.name as group_name',
      'groups.role_key',
      'sites.id as site_id',
      'sites.name as site_name',
      'districts.id as district_id',
      'districts.name as district_name',
      'check_groups.revealed_at',
    ])
    .select((eb) => [
      eb
        .selectFrom('group_members')
        .innerJoin('people', 'people.id', 'group_members.person_id')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('group_members.group_id', '=', 'groups.id')
        .where('people.archived_at', 'is', null)
        .as('member_count'),
      eb
        .selectFrom('self_assessments')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('self_assessments.group_id', '=', 'groups.id')
        .where('self_assessments.check_id', '=', checkId)
        .where('self_assessments.submitted_at', 'is not', null)
        .as('submitted_count'),
      eb
        .selectFrom('consensus_records')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('consensus_records.group_id', '=', 'groups.id')
        .where('consensus_records.check_id', '=', checkId)
        .as('agreed_count'),
    ])
    .$narrowType<{ member_count: number; submitted_count: number; agreed_count: number }>()
    .where('check_groups.check_id', '=', checkId)
    .where((eb) => groupIdVisible(eb, 'check_groups.group_id', scope));
}

function filteredProgress(db: Db, checkId: number, scope: AccessScope, filter: ProgressFilter) {
  let query = db.selectFrom(progressRows(db, checkId, scope).as('p')).selectAll('p');
  if (filter.districtId !== undefined) query = query.where('p.district_id', '=', filter.districtId);
  if (filter.siteId !== undefined) query = query.where('p.site_id', '=', filter.siteId);
  if (filter.roleKey !== undefined) query = query.where('p.role_key', '=', filter.roleKey);
  if (filter.groupIds !== undefined) query = query.where('p.group_id', 'in', filter.groupIds.length === 0 ? [0] : filter.groupIds);
  switch (filter.status) {
    case 'waiting':
      return query.whereRef('p.submitted_count', '<', 'p.member_count');
    case 'submitted':
      return query.whereRef('p.submitted_count', '>=', 'p.member_count');
    case 'hidden':
      return query.where('p.revealed_at', 'is', null);
    case 'revealed':
      return query.where('p.revealed_at', 'is not', null);
    case 'agreeing':
      return query.where('p.revealed_at', 'is not', null).where('p.agreed_count', '<', filter.outcomeCount);
    case 'agreed':
      return query.where('p.agreed_count', '>=', filter.outcomeCount);
    default:
      return query;
  }
}

/** Counts over every group the filter lets through (not just one page). */
export async function checkProgressTotals(db: Db, checkId: number, scope: AccessScope, filter: ProgressFilter): Promise<ProgressTotals> {
  const row = await db
    .selectFrom(filteredProgress(db, checkId, scope, filter).as('f'))
    .select([
      sql<number>`count(*)`.as('groups'),
      sql<number>`coalesce(sum(f.member_count), 0)`.as('members'),
      sql<number>`coalesce(sum(f.submitted_count), 0)`.as('submitted'),
      sql<number>`coalesce(sum(f.member_count > 0 and f.submitted_count >= f.member_count), 0)`.as('groups_submitted'),
      sql<number>`coalesce(sum(f.revealed_at is not null), 0)`.as('groups_revealed'),
      sql<number>`coalesce(sum(f.agreed_count >= ${filter.outcomeCount}), 0)`.as('groups_agreed'),
      sql<number>`coalesce(sum(f.agreed_count), 0)`.as('outcomes_agreed'),
    ])
    .executeTakeFirstOrThrow();
  return row;
}

/** One page (or, with no page, all) of the taking-part groups the viewer may see, with their counts. */
export async function checkGroupProgress(
  db: Db,
  checkId: number,
  scope: AccessScope,
  filter: ProgressFilter,
  page?: { limit: number; offset: number },
): Promise<CheckGroupProgress[]> {
  let query = filteredProgress(db, checkId, scope, filter);
  // Least done first for the progress sorts, so those who need a nudge come to the top.
  if (filter.sort === 'submitted') query = query.orderBy(sql`case when p.member_count = 0 then 1.0 else p.submitted_count * 1.0 / p.member_count end`);
  if (filter.sort === 'agreed') query = query.orderBy('p.agreed_count').orderBy(sql`p.revealed_at is not null`);
  query = query
    .orderBy(sql`p.district_name collate nocase`)
    .orderBy(sql`p.site_name collate nocase`)
    .orderBy(sql`p.group_name collate nocase`)
    .orderBy('p.group_id');
  if (page !== undefined) query = query.limit(page.limit).offset(page.offset);
  return query.execute();
}

