/** Progress checks and the groups taking part in each, read through the visibility rules. */
import { sql } from 'kysely';
import type { AccessScope } from '../access/scope.js';
import type { CheckGroup, ProgressCheck } from '../db/schema.js';
import { isoNow, type Db } from '../db/types.js';
import { groupsWithPlace, withPlace, type GroupWithPlace } from './organisation.js';
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
      .values(slice.map((groupId) => ({ check_id: checkId, group_id: groupId, revealed_at: null, revealed_by: null })))
      .onConflict((oc) => oc.doNothing())
      .execute();
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
  site_name: string | null;
  district_name: string | null;
  member_count: number;
  submitted_count: number;
  revealed_at: string | null;
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

/** One page of the taking-part groups the viewer may see, with k of n submitted. */
export async function checkGroupProgress(db: Db, checkId: number, scope: AccessScope, page: { limit: number; offset: number }): Promise<CheckGroupProgress[]> {
  return groupsWithPlace(db)
    .innerJoin('check_groups', 'check_groups.group_id', 'groups.id')
    .select(['groups.id as group_id', 'groups.name as group_name', 'check_groups.revealed_at'])
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
    ])
    .$narrowType<{ member_count: number; submitted_count: number }>()
    .where('check_groups.check_id', '=', checkId)
    .where((eb) => groupIdVisible(eb, 'check_groups.group_id', scope))
    .orderBy(sql`districts.name collate nocase`)
    .orderBy(sql`sites.name collate nocase`)
    .orderBy(sql`groups.name collate nocase`)
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/**
 * A group with its place and its part in a check (`checkGroup` undefined when it takes no part), in
 * one query: every survey and consensus request needs both.
 */
export async function findGroupInCheck(db: Db, checkId: number, groupId: number): Promise<{ group: GroupWithPlace; checkGroup: CheckGroup | undefined } | undefined> {
  const row = await groupsWithPlace(db)
    .leftJoin('check_groups', (join) => join.onRef('check_groups.group_id', '=', 'groups.id').on('check_groups.check_id', '=', checkId))
    .select(['check_groups.check_id as part_check_id', 'check_groups.revealed_at as part_revealed_at', 'check_groups.revealed_by as part_revealed_by'])
    .where('groups.id', '=', groupId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { part_check_id, part_revealed_at, part_revealed_by, ...group } = row;
  const checkGroup = part_check_id === null ? undefined : { check_id: part_check_id, group_id: group.id, revealed_at: part_revealed_at, revealed_by: part_revealed_by };
  return { group: withPlace(group), checkGroup };
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
    .select(sql<number>`self_assessments.id is not null`.as('has_draft'))
    .where('group_members.person_id', '=', personId)
    .where('groups.archived_at', 'is', null)
    .orderBy('progress_checks.closes_on')
    .orderBy('groups.name')
    .execute();
}
