/** Report queries: consensus levels aggregated in SQL, scoped by the policy's visibility rules. */
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

export async function checksByIds(db: Db, ids: readonly number[]): Promise<ProgressCheck[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('progress_checks').selectAll().where('id', 'in', ids).orderBy('opens_on').orderBy('id').execute();
}
