/** Progress checks and the groups taking part in each, read through the visibility rules. */
import { sql } from 'kysely';
import type { AccessScope } from '../access/scope.js';
import type { CheckGroup, ProgressCheck } from '../db/schema.js';
import { isoNow, type Db } from '../db/types.js';
import { groupsWithPlace, withPlace, type GroupWithPlace } from './organisation.js';
import { addCheckGroupSummaries } from './report-summaries.js';
import { groupIdVisible } from './visibility.js';

export interface NewCheck {
  name: string;
  mapId: string;
  mapVersion: string;
  opensOn: string;
  closesOn: string;
  districtId: number | null;
  createdBy: number;
}

export async function createCheck(db: Db, check: NewCheck): Promise<number> {
  const row = await db
    .insertInto('progress_checks')
    .values({
      name: check.name,
      map_id: check.mapId,
      map_version: check.mapVersion,
      opens_on: check.opensOn,
      closes_on: check.closesOn,
      district_id: check.districtId,
      closed_at: null,
      created_by: check.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addCheckGroups(db: Db, checkId: number, groupIds: readonly number[]): Promise<void> {
  for (let start = 0; start < groupIds.length; start += 400) {
    const slice = groupIds.slice(start, start + 400);
    if (slice.length === 0) break;
    await db
      .insertInto('check_groups')
      .values(slice.map((groupId) => ({ check_id: checkId, group_id: groupId, revealed_at: null, revealed_by: null, names_set_by: null, names_set_at: null })))
      .onConflict((oc) => oc.doNothing())
      .execute();
    await addCheckGroupSummaries(db, checkId, slice);
  }
}

export async function findCheck(db: Db, id: number): Promise<ProgressCheck | undefined> {
  return db.selectFrom('progress_checks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setCheckClosedAt(db: Db, id: number, closedAt: string | null, closesOn?: string): Promise<void> {
  await db
    .updateTable('progress_checks')
    .set({ closed_at: closedAt, ...(closesOn === undefined ? {} : { closes_on: closesOn }) })
    .where('id', '=', id)
    .execute();
}

/** Checks with at least one taking-part group the viewer may see, newest first. */
export async function listChecks(db: Db, scope: AccessScope): Promise<(ProgressCheck & { group_count: number })[]> {
  return db
    .selectFrom('progress_checks')
    .selectAll('progress_checks')
    .select((eb) =>
      eb
        .selectFrom('check_groups')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('check_groups.check_id', '=', 'progress_checks.id')
        .where((inner) => groupIdVisible(inner, 'check_groups.group_id', scope))
        .as('group_count'),
    )
    .$narrowType<{ group_count: number }>()
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('check_groups')
          .select('check_groups.group_id')
          .whereRef('check_groups.check_id', '=', 'progress_checks.id')
          .where((inner) => groupIdVisible(inner, 'check_groups.group_id', scope)),
      ),
    )
    .orderBy('progress_checks.opens_on', 'desc')
    .orderBy('progress_checks.id', 'desc')
    .execute();
}

export interface CheckGroupProgress {
  group_id: number;
  group_name: string;
  role_key: string;
  site_id: number | null;
  site_name: string | null;
  district_id: number | null;
  district_name: string | null;
  member_count: number;
  submitted_count: number;
  revealed_at: string | null;
  agreed_count: number;
}

/** Which groups a check's progress list shows: by place, role and how far they have got. */
export interface ProgressFilter {
  districtId?: number;
  siteId?: number;
  roleKey?: string;
  groupIds?: readonly number[];
  /**
   * waiting: someone has not submitted; submitted: everyone has; hidden: not revealed; revealed;
   * agreeing: revealed, consensus not complete; agreed: every outcome agreed.
   */
  status?: 'waiting' | 'submitted' | 'hidden' | 'revealed' | 'agreeing' | 'agreed';
  sort?: 'place' | 'submitted' | 'agreed';
  /** How many outcomes make a complete consensus (15 on the TXNSI maps). */
  outcomeCount: number;
}

export interface ProgressTotals {
  groups: number;
  members: number;
  submitted: number;
  /** Groups where every member submitted. */
  groups_submitted: number;
  groups_revealed: number;
  /** Groups with every outcome agreed. */
  groups_agreed: number;
  outcomes_agreed: number;
}

/**
 * Each visible taking-part group with its counts, read from its report summary row (0011), so a network
 * of thousands of groups is filtered, counted and paged without loading it.
 */
function progressRows(db: Db, checkId: number, scope: AccessScope) {
  return db
    .selectFrom('check_groups')
    .innerJoin('groups', 'groups.id', 'check_groups.group_id')
    .innerJoin('report_check_groups as counts', (join) => join.onRef('counts.check_id', '=', 'check_groups.check_id').onRef('counts.group_id', '=', 'check_groups.group_id'))
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
    .select(['counts.members as member_count', 'counts.submitted as submitted_count', 'counts.agreed as agreed_count'])
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

/** How many taking-part groups the viewer may see. */
export async function countCheckGroups(db: Db, checkId: number, scope: AccessScope): Promise<number> {
  const row = await db
    .selectFrom('check_groups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('check_groups.check_id', '=', checkId)
    .where((eb) => groupIdVisible(eb, 'check_groups.group_id', scope))
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Counts over every group the filter lets through (not just one page). */
export async function checkProgressTotals(db: Db, checkId: number, scope: AccessScope, filter: ProgressFilter): Promise<ProgressTotals> {
  const row = await db
    .selectFrom(filteredProgress(db, checkId, scope, filter).as('f'))
    .select([
      sql<number>`count(*)`.as('groups'),
      sql<number>`coalesce(sum(f.member_count), 0)`.as('members'),
      sql<number>`coalesce(sum(f.submitted_count), 0)`.as('submitted'),
      sql<number>`coalesce(sum(case when f.member_count > 0 and f.submitted_count >= f.member_count then 1 else 0 end), 0)`.as('groups_submitted'),
      sql<number>`coalesce(sum(case when f.revealed_at is not null then 1 else 0 end), 0)`.as('groups_revealed'),
      sql<number>`coalesce(sum(case when f.agreed_count >= ${filter.outcomeCount} then 1 else 0 end), 0)`.as('groups_agreed'),
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
    .orderBy(sql`p.district_name collate nocase nulls first`)
    .orderBy(sql`p.site_name collate nocase nulls first`)
    .orderBy(sql`p.group_name collate nocase`)
    .orderBy('p.group_id');
  if (page !== undefined) query = query.limit(page.limit).offset(page.offset);
  return query.execute();
}

/** The active members of these groups who have not submitted for the check: that someone submitted is not private. */
export async function notYetSubmitted(db: Db, checkId: number, groupIds: readonly number[]): Promise<Map<number, string[]>> {
  const names = new Map<number, string[]>();
  if (groupIds.length === 0) return names;
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('people', 'people.id', 'group_members.person_id')
    .leftJoin('self_assessments', (join) =>
      join
        .onRef('self_assessments.group_id', '=', 'group_members.group_id')
        .onRef('self_assessments.person_id', '=', 'group_members.person_id')
        .on('self_assessments.check_id', '=', checkId),
    )
    .select(['group_members.group_id', 'people.name'])
    .where('group_members.group_id', 'in', groupIds)
    .where('people.archived_at', 'is', null)
    .where('self_assessments.submitted_at', 'is', null)
    .orderBy(sql`people.name collate nocase`)
    .execute();
  for (const row of rows) names.set(row.group_id, [...(names.get(row.group_id) ?? []), row.name]);
  return names;
}

/** Moves a check's dates (extending or shortening it); the caller has checked the dates make sense. */
export async function setCheckDates(db: Db, id: number, dates: { opensOn: string; closesOn: string }): Promise<void> {
  await db.updateTable('progress_checks').set({ opens_on: dates.opensOn, closes_on: dates.closesOn }).where('id', '=', id).execute();
}

/**
 * A group with its place and its part in a check (`checkGroup` undefined when it takes no part), in
 * one query: every survey and consensus request needs both.
 */
export async function findGroupInCheck(db: Db, checkId: number, groupId: number): Promise<{ group: GroupWithPlace; checkGroup: CheckGroup | undefined } | undefined> {
  const row = await groupsWithPlace(db)
    .leftJoin('check_groups', (join) => join.onRef('check_groups.group_id', '=', 'groups.id').on('check_groups.check_id', '=', checkId))
    .select([
      'check_groups.check_id as part_check_id',
      'check_groups.revealed_at as part_revealed_at',
      'check_groups.revealed_by as part_revealed_by',
      'check_groups.shows_names as part_shows_names',
      'check_groups.names_set_by as part_names_set_by',
      'check_groups.names_set_at as part_names_set_at',
    ])
    .where('groups.id', '=', groupId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { part_check_id, part_revealed_at, part_revealed_by, part_shows_names, part_names_set_by, part_names_set_at, ...group } = row;
  const checkGroup =
    part_check_id === null
      ? undefined
      : {
          check_id: part_check_id,
          group_id: group.id,
          revealed_at: part_revealed_at,
          revealed_by: part_revealed_by,
          shows_names: part_shows_names ?? 0,
          names_set_by: part_names_set_by,
          names_set_at: part_names_set_at,
        };
  return { group: withPlace(group), checkGroup };
}

/** Named view for one group in one check only; other checks of the group keep their own choice. */
export async function setCheckGroupShowsNames(db: Db, checkId: number, groupId: number, showsNames: boolean, personId: number): Promise<void> {
  await db
    .updateTable('check_groups')
    .set({ shows_names: showsNames ? 1 : 0, names_set_by: personId, names_set_at: isoNow() })
    .where('check_id', '=', checkId)
    .where('group_id', '=', groupId)
    .execute();
}

/** Reveals a group's placements once; a second reveal changes nothing. */
export async function revealCheckGroup(db: Db, checkId: number, groupId: number, personId: number): Promise<void> {
  await db
    .updateTable('check_groups')
    .set({ revealed_at: isoNow(), revealed_by: personId })
    .where('check_id', '=', checkId)
    .where('group_id', '=', groupId)
    .where('revealed_at', 'is', null)
    .execute();
}

export interface PersonCheckRow {
  check_id: number;
  check_name: string;
  opens_on: string;
  closes_on: string;
  closed_at: string | null;
  group_id: number;
  group_name: string;
  role_key: string;
  is_facilitator: number;
  submitted_at: string | null;
  has_draft: number;
}

/** Every check a person takes part in through their active groups, with their own status in each. */
export async function checksForPerson(db: Db, personId: number): Promise<PersonCheckRow[]> {
  return db
    .selectFrom('check_groups')
    .innerJoin('progress_checks', 'progress_checks.id', 'check_groups.check_id')
    .innerJoin('group_members', 'group_members.group_id', 'check_groups.group_id')
    .innerJoin('groups', 'groups.id', 'check_groups.group_id')
    .leftJoin('self_assessments', (join) =>
      join
        .onRef('self_assessments.check_id', '=', 'check_groups.check_id')
        .onRef('self_assessments.group_id', '=', 'check_groups.group_id')
        .onRef('self_assessments.person_id', '=', 'group_members.person_id'),
    )
    .select([
      'progress_checks.id as check_id',
      'progress_checks.name as check_name',
      'progress_checks.opens_on',
      'progress_checks.closes_on',
      'progress_checks.closed_at',
      'groups.id as group_id',
      'groups.name as group_name',
      'groups.role_key',
      'group_members.is_facilitator',
      'self_assessments.submitted_at',
    ])
    .select(sql<number>`case when self_assessments.id is not null then 1 else 0 end`.as('has_draft'))
    .where('group_members.person_id', '=', personId)
    .where('groups.archived_at', 'is', null)
    .orderBy('progress_checks.closes_on')
    .orderBy('groups.name')
    .execute();
}
