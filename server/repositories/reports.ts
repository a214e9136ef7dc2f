/** Report queries: consensus levels, mostly read from the report summaries (0011), scoped by the policy's visibility rules. */
import { sql, type RawBuilder } from 'kysely';
import type { AccessScope } from '../access/scope.js';
import type { ProgressCheck } from '../db/schema.js';
import type { Db } from '../db/types.js';
import { groupIdVisible } from './visibility.js';

/** For each outcome, the group's agreed level in the latest check that opened before `before`. */
export async function previousConsensus(db: Db, groupId: number, before: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('consensus_records')
    .innerJoin('progress_checks', 'progress_checks.id', 'consensus_records.check_id')
    .select(['consensus_records.outcome_code', 'consensus_records.level'])
    .where('consensus_records.group_id', '=', groupId)
    .where('progress_checks.opens_on', '<', before)
    .orderBy('progress_checks.opens_on', 'desc')
    .execute();
  const levels = new Map<string, number>();
  for (const row of rows) if (!levels.has(row.outcome_code)) levels.set(row.outcome_code, row.level);
  return levels;
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

export interface SiteFilter {
  checkId: number;
  roleKey: string;
  districtId: number | null;
  minGroupSize: number;
}

/**
 * Every visible group of a role taking part in one check (or only `groupIds`, a page of them), with its
 * agreed levels (none yet for a group still agreeing) and the level of its previous check.
 */
export async function siteComparison(db: Db, scope: AccessScope, filter: SiteFilter & { groupIds?: readonly number[] }): Promise<SiteComparisonRow[]> {
  if (filter.groupIds?.length === 0) return [];
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
    .select(sql<number>`case when cr.dissent is not null and cr.dissent != '' then 1 else 0 end`.as('dissent'))
    .select(
      sql<number | null>`(select prev.level from consensus_records prev join progress_checks prev_check on prev_check.id = prev.check_id
        where cr.outcome_code is not null and prev.group_id = cr.group_id and prev.outcome_code = cr.outcome_code and prev_check.opens_on < pc.opens_on
        order by prev_check.opens_on desc limit 1)`.as('previous_level'),
    )
    .where('cg.check_id', '=', filter.checkId)
    .where('groups.role_key', '=', filter.roleKey)
    .where((eb) => groupIdVisible(eb, 'cg.group_id', scope));
  if (filter.groupIds !== undefined) query = query.where('cg.group_id', 'in', filter.groupIds);
  if (filter.districtId !== null) query = query.where('districts.id', '=', filter.districtId);
  if (filter.minGroupSize > 1) query = query.where(sql<boolean>`not ${individualGroup(sql.ref('cg.group_id'), sql.ref('cg.check_id'))}`);
  return query.execute();
}

export interface SiteCandidate {
  group_id: number;
  group_name: string;
  site_name: string | null;
  /** Outcomes agreed. */
  agreed: number;
  /** Levels agreed and their sum, over all outcomes or over one principle's: the sort's mean. */
  levels: number;
  level_sum: number;
}

/**
 * The site comparison's rows before any detail, from the summaries: one narrow row per visible group
 * of the role taking part, with what sorting, paging and the "agreed" counts need. By group id, the
 * order the detailed query lists groups in.
 */
export async function siteCandidates(db: Db, scope: AccessScope, filter: SiteFilter & { principle: string | null }): Promise<SiteCandidate[]> {
  let query = db
    .selectFrom('report_check_groups as r')
    .innerJoin('groups', 'groups.id', 'r.group_id')
    .leftJoin('sites', 'sites.id', 'groups.site_id')
    .select(['r.group_id', 'groups.name as group_name', 'sites.name as site_name', 'r.agreed'])
    .where('r.check_id', '=', filter.checkId)
    .where('r.role_key', '=', filter.roleKey)
    .where((eb) => groupIdVisible(eb, 'r.group_id', scope))
    .orderBy('r.group_id');
  if (filter.districtId !== null) query = query.where('r.district_id', '=', filter.districtId);
  if (filter.minGroupSize > 1) query = query.where((eb) => eb.not(eb.and([eb('r.members', '<=', 1), eb('r.submitted', '<=', 1)])));
  if (filter.principle === null) return query.select(['r.agreed as levels', 'r.level_sum']).execute();
  const principle = filter.principle;
  return query
    .leftJoin('report_principle_levels as p', (join) => join.onRef('p.check_id', '=', 'r.check_id').onRef('p.group_id', '=', 'r.group_id').on('p.principle', '=', principle))
    .select([sql<number>`coalesce(p.levels, 0)`.as('levels'), sql<number>`coalesce(p.level_sum, 0)`.as('level_sum')])
    .execute();
}

/** The newest check (of those given, newest first) in which a visible group of the role has recorded consensus. */
export async function latestCheckWithConsensus(db: Db, scope: AccessScope, roleKey: string, checkIds: readonly number[]): Promise<number | undefined> {
  for (const checkId of checkIds) {
    // A record is only ever written for a group taking part, so its summary row counts it.
    const found = await db
      .selectFrom('report_check_groups as r')
      .select('r.group_id')
      .where('r.check_id', '=', checkId)
      .where('r.role_key', '=', roleKey)
      .where('r.agreed', '>', 0)
      .where((eb) => groupIdVisible(eb, 'r.group_id', scope))
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
    .selectFrom('report_check_groups as r')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('r.check_id', '=', filter.checkId)
    .where('r.role_key', '=', filter.roleKey)
    .where('r.agreed', '>', 0)
    .where('r.members', '<=', 1)
    .where('r.submitted', '<=', 1)
    .where((eb) => groupIdVisible(eb, 'r.group_id', scope));
  if (filter.districtId !== null) query = query.where('r.district_id', '=', filter.districtId);
  const row = await query.executeTakeFirstOrThrow();
  return row.n;
}

export interface LevelCountRow {
  check_id: number;
  outcome_code: string;
  level: number;
  groups: number;
}

/**
 * Counts the visible groups of a role per check, outcome and level, with each one's district, from the
 * records: for a viewer who sees part of the network, which is a few groups' records.
 */
async function visibleLevelCounts(
  db: Db,
  scope: AccessScope,
  filter: { roleKey: string; districtId: number | null; checkIds?: readonly number[]; districtIds?: readonly number[] },
): Promise<(LevelCountRow & { district_id: number | null })[]> {
  const district = sql<number | null>`coalesce(groups.district_id, sites.district_id)`;
  let query = db
    .selectFrom('consensus_records as cr')
    .innerJoin('groups', 'groups.id', 'cr.group_id')
    .leftJoin('sites', 'sites.id', 'groups.site_id')
    .select(['cr.check_id', 'cr.outcome_code', 'cr.level'])
    .select(district.as('district_id'))
    .select((eb) => eb.fn.countAll<number>().as('groups'))
    .where('groups.role_key', '=', filter.roleKey)
    .where((eb) => groupIdVisible(eb, 'cr.group_id', scope))
    .groupBy(['cr.check_id', 'cr.outcome_code', 'cr.level', district]);
  if (filter.districtId !== null) query = query.where(district, '=', filter.districtId);
  if (filter.districtIds !== undefined) query = query.where(district, 'in', filter.districtIds.length === 0 ? [0] : filter.districtIds);
  if (filter.checkIds !== undefined) query = query.where('cr.check_id', 'in', filter.checkIds.length === 0 ? [0] : filter.checkIds);
  return query.execute();
}

/** How many visible groups of a role agreed each level, per check and outcome (in one district, if given). */
export async function roleLevelCounts(db: Db, scope: AccessScope, filter: { roleKey: string; districtId: number | null }): Promise<LevelCountRow[]> {
  if (!scope.seesWholeNetwork) return visibleLevelCounts(db, scope, filter);
  if (filter.districtId === null) {
    return db
      .selectFrom('report_role_levels')
      .select(['check_id', 'outcome_code', 'level', 'group_count as groups'])
      .where('role_key', '=', filter.roleKey)
      .where('group_count', '>', 0)
      .execute();
  }
  return db
    .selectFrom('report_district_levels')
    .select(['check_id', 'outcome_code', 'level', 'group_count as groups'])
    .where('role_key', '=', filter.roleKey)
    .where('district_id', '=', filter.districtId)
    .where('group_count', '>', 0)
    .execute();
}

/**
 * The same counts per district, for some checks and some districts only: the page of districts side by
 * side, read through report_district_levels' primary key (role, check, district, ...), so its cost is the
 * page's, not the network's.
 */
export async function districtLevelCounts(
  db: Db,
  scope: AccessScope,
  filter: { roleKey: string; checkIds: readonly number[]; districtIds: readonly number[] },
): Promise<(LevelCountRow & { district_id: number | null })[]> {
  if (filter.checkIds.length === 0 || filter.districtIds.length === 0) return [];
  if (!scope.seesWholeNetwork) return visibleLevelCounts(db, scope, { ...filter, districtId: null });
  return db
    .selectFrom('report_district_levels')
    .select(['check_id', 'outcome_code', 'level', 'district_id', 'group_count as groups'])
    .where('role_key', '=', filter.roleKey)
    .where('check_id', 'in', filter.checkIds)
    .where('district_id', 'in', filter.districtIds)
    .where('group_count', '>', 0)
    .execute();
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
 * every outcome, from the summary row of each group taking part.
 */
export async function openCheckAgreement(
  db: Db,
  scope: AccessScope,
  filter: { checkIds: readonly number[]; roleKey: string; districtId: number | null; outcomeCount: number },
): Promise<OpenCheckAgreement[]> {
  if (filter.checkIds.length === 0) return [];
  let query = db
    .selectFrom('report_check_groups as r')
    .select('r.check_id')
    .select(sql<number>`count(*)`.as('groups'))
    .select(sql<number>`coalesce(sum(case when r.agreed >= ${filter.outcomeCount} then 1 else 0 end), 0)`.as('groups_agreed'))
    .where('r.check_id', 'in', filter.checkIds)
    .where('r.role_key', '=', filter.roleKey)
    .where((eb) => groupIdVisible(eb, 'r.group_id', scope))
    .groupBy('r.check_id');
  if (filter.districtId !== null) query = query.where('r.district_id', '=', filter.districtId);
  return query.execute();
}

export async function checksByIds(db: Db, ids: readonly number[]): Promise<ProgressCheck[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('progress_checks').selectAll().where('id', 'in', ids).orderBy('opens_on').orderBy('id').execute();
}
