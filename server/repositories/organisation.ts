/** Districts, sites, groups and memberships: the network's structure, read through the visibility rules. */
import { sql } from 'kysely';
import type { Place } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import type { District, Group, Site } from '../db/schema.js';
import { isoNow, type Db } from '../db/types.js';
import { recountMembersInSummaries } from './report-summaries.js';
import { districtVisible, groupVisible, siteVisible } from './visibility.js';

export type DistrictSummary = District & { site_count: number };
export type SiteWithDistrict = Site & { district_name: string };
export type SiteSummary = SiteWithDistrict & { group_count: number };
/** A group with where it sits spelled out: `place.districtId` is the site's district for site groups. */
export type GroupWithPlace = Group & { site_name: string | null; district_name: string | null; place: Place };
export type GroupSummary = GroupWithPlace & { member_count: number };

export interface Member {
  person_id: number;
  name: string;
  email: string;
  is_facilitator: number;
  archived_at: string | null;
}

const archivedAt = (archived: boolean): string | null => (archived ? isoNow() : null);

// ---- districts ----

export async function listDistricts(db: Db, scope: AccessScope): Promise<DistrictSummary[]> {
  return db
    .selectFrom('districts')
    .selectAll('districts')
    .select((eb) =>
      eb
        .selectFrom('sites')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('sites.district_id', '=', 'districts.id')
        .where('sites.archived_at', 'is', null)
        .as('site_count'),
    )
    .$narrowType<{ site_count: number }>()
    .where((eb) => districtVisible(eb, scope))
    .orderBy(sql`districts.name collate nocase`)
    .execute();
}

/**
 * The districts a report offers and compares, in listDistricts' order (two of the same name by id, so a
 * page of them is stable): names only, without counting each one's sites.
 */
export async function listDistrictChoices(db: Db, scope: AccessScope): Promise<Pick<District, 'id' | 'name' | 'archived_at'>[]> {
  return db
    .selectFrom('districts')
    .select(['districts.id', 'districts.name', 'districts.archived_at'])
    .where((eb) => districtVisible(eb, scope))
    .orderBy(sql`districts.name collate nocase`)
    .orderBy('districts.id')
    .execute();
}

export async function findDistrict(db: Db, id: number): Promise<District | undefined> {
  return db.selectFrom('districts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findDistrictByName(db: Db, name: string): Promise<District | undefined> {
  return db
    .selectFrom('districts')
    .selectAll()
    .where(sql<boolean>`lower(name) = lower(${name})`)
    .orderBy('id')
    .executeTakeFirst();
}

export async function createDistrict(db: Db, name: string): Promise<number> {
  const row = await db.insertInto('districts').values({ name, archived_at: null }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function renameDistrict(db: Db, id: number, name: string): Promise<void> {
  await db.updateTable('districts').set({ name }).where('id', '=', id).execute();
}

export async function setDistrictArchived(db: Db, id: number, archived: boolean): Promise<void> {
  await db.updateTable('districts').set({ archived_at: archivedAt(archived) }).where('id', '=', id).execute();
}

// ---- sites ----

export async function listSites(db: Db, scope: AccessScope, districtId: number): Promise<SiteSummary[]> {
  return db
    .selectFrom('sites')
    .innerJoin('districts', 'districts.id', 'sites.district_id')
    .selectAll('sites')
    .select('districts.name as district_name')
    .select((eb) =>
      eb
        .selectFrom('groups')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('groups.site_id', '=', 'sites.id')
        .where('groups.archived_at', 'is', null)
        .as('group_count'),
    )
    .$narrowType<{ group_count: number }>()
    .where('sites.district_id', '=', districtId)
    .where((eb) => siteVisible(eb, scope))
    .orderBy(sql`sites.name collate nocase`)
    .execute();
}

/** Sites the viewer leads as a school leader, for their overview when they lead no whole district. */
export async function listLedSites(db: Db, scope: AccessScope): Promise<SiteWithDistrict[]> {
  if (scope.ledSiteIds.length === 0) return [];
  return db
    .selectFrom('sites')
    .innerJoin('districts', 'districts.id', 'sites.district_id')
    .selectAll('sites')
    .select('districts.name as district_name')
    .where('sites.id', 'in', scope.ledSiteIds)
    .orderBy(sql`sites.name collate nocase`)
    .execute();
}

export async function findSite(db: Db, id: number): Promise<SiteWithDistrict | undefined> {
  return db
    .selectFrom('sites')
    .innerJoin('districts', 'districts.id', 'sites.district_id')
    .selectAll('sites')
    .select('districts.name as district_name')
    .where('sites.id', '=', id)
    .executeTakeFirst();
}

export async function findSiteByName(db: Db, districtId: number, name: string): Promise<Site | undefined> {
  return db
    .selectFrom('sites')
    .selectAll()
    .where('district_id', '=', districtId)
    .where(sql<boolean>`lower(name) = lower(${name})`)
    .orderBy('id')
    .executeTakeFirst();
}

export async function createSite(db: Db, districtId: number, name: string): Promise<number> {
  const row = await db
    .insertInto('sites')
    .values({ district_id: districtId, name, archived_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function renameSite(db: Db, id: number, name: string): Promise<void> {
  await db.updateTable('sites').set({ name }).where('id', '=', id).execute();
}

export async function setSiteArchived(db: Db, id: number, archived: boolean): Promise<void> {
  await db.updateTable('sites').set({ archived_at: archivedAt(archived) }).where('id', '=', id).execute();
}

// ---- groups ----

/** Groups with their site and district (a site group's district is its site's). */
export function groupsWithPlace(db: Db) {
  return db
    .selectFrom('groups')
    .leftJoin('sites', 'sites.id', 'groups.site_id')
    .leftJoin('districts', (join) =>
      join.on((eb) => eb.or([eb('districts.id', '=', eb.ref('groups.district_id')), eb('districts.id', '=', eb.ref('sites.district_id'))])),
    )
    .selectAll('groups')
    .select(['sites.name as site_name', 'districts.name as district_name', 'districts.id as resolved_district_id']);
}

type GroupRow = Group & { site_name: string | null; district_name: string | null; resolved_district_id: number | null };

/** A group row's resolved district and site as its `place`. */
export function withPlace<T extends GroupRow>({ resolved_district_id, ...row }: T): Omit<T, 'resolved_district_id'> & { place: Place } {
  return { ...row, place: { districtId: resolved_district_id, siteId: row.site_id } };
}

export interface GroupFilter {
  /** Groups at this site. */
  siteId?: number;
  /** Groups at this district itself (not at its sites). */
  districtId?: number;
  /** Network-level groups (the hub team). */
  network?: true;
}

export async function listGroups(db: Db, scope: AccessScope, filter: GroupFilter): Promise<GroupSummary[]> {
  let query = groupsWithPlace(db)
    .select((eb) =>
      eb
        .selectFrom('group_members')
        .innerJoin('people', 'people.id', 'group_members.person_id')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('group_members.group_id', '=', 'groups.id')
        .where('people.archived_at', 'is', null)
        .as('member_count'),
    )
    .$narrowType<{ member_count: number }>()
    .where((eb) => groupVisible(eb, scope));
  if (filter.siteId !== undefined) query = query.where('groups.site_id', '=', filter.siteId);
  if (filter.districtId !== undefined) query = query.where('groups.district_id', '=', filter.districtId);
  if (filter.network) query = query.where('groups.site_id', 'is', null).where('groups.district_id', 'is', null);
  const rows = await query.orderBy(sql`groups.name collate nocase`).execute();
  return rows.map(withPlace);
}

export async function findGroup(db: Db, id: number): Promise<GroupWithPlace | undefined> {
  const row = await groupsWithPlace(db).where('groups.id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : withPlace(row);
}

/** The oldest active group for a role at a place: where a roster row for that role and place belongs. */
export async function findGroupAt(db: Db, roleKey: string, place: { districtId: number | null; siteId: number | null }): Promise<Group | undefined> {
  let query = db.selectFrom('groups').selectAll().where('role_key', '=', roleKey).where('archived_at', 'is', null);
  if (place.siteId !== null) query = query.where('site_id', '=', place.siteId);
  else if (place.districtId !== null) query = query.where('district_id', '=', place.districtId).where('site_id', 'is', null);
  else query = query.where('district_id', 'is', null).where('site_id', 'is', null);
  return query.orderBy('id').executeTakeFirst();
}

export interface NewGroup {
  name: string;
  roleKey: string;
  /** Set for district-level groups only; site groups carry their site. */
  districtId: number | null;
  siteId: number | null;
}

export async function createGroup(db: Db, group: NewGroup): Promise<number> {
  const row = await db
    .insertInto('groups')
    .values({ name: group.name, role_key: group.roleKey, district_id: group.districtId, site_id: group.siteId, archived_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function renameGroup(db: Db, id: number, name: string): Promise<void> {
  await db.updateTable('groups').set({ name }).where('id', '=', id).execute();
}

export async function setGroupArchived(db: Db, id: number, archived: boolean): Promise<void> {
  await db.updateTable('groups').set({ archived_at: archivedAt(archived) }).where('id', '=', id).execute();
}

// ---- memberships ----

export async function listMembers(db: Db, groupId: number): Promise<Member[]> {
  return db
    .selectFrom('group_members')
    .innerJoin('people', 'people.id', 'group_members.person_id')
    .select(['people.id as person_id', 'people.name', 'people.email', 'group_members.is_facilitator', 'people.archived_at'])
    .where('group_members.group_id', '=', groupId)
    .orderBy(sql`people.name collate nocase`)
    .execute();
}

export async function findMembership(db: Db, groupId: number, personId: number): Promise<{ is_facilitator: number } | undefined> {
  return db
    .selectFrom('group_members')
    .select('is_facilitator')
    .where('group_id', '=', groupId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
}

export async function addMember(db: Db, groupId: number, personId: number, isFacilitator: boolean): Promise<void> {
  await db
    .insertInto('group_members')
    .values({ group_id: groupId, person_id: personId, is_facilitator: isFacilitator ? 1 : 0 })
    .onConflict((oc) => oc.columns(['group_id', 'person_id']).doUpdateSet({ is_facilitator: isFacilitator ? 1 : 0 }))
    .execute();
  await recountMembersInSummaries(db, { groupId });
}

export async function removeMember(db: Db, groupId: number, personId: number): Promise<void> {
  await db.deleteFrom('group_members').where('group_id', '=', groupId).where('person_id', '=', personId).execute();
  await recountMembersInSummaries(db, { groupId });
}

/** Every group a person belongs to, with its place, active groups first. */
export async function groupsOfPerson(db: Db, personId: number): Promise<(GroupWithPlace & { is_facilitator: number })[]> {
  const rows = await groupsWithPlace(db)
    .innerJoin('group_members', 'group_members.group_id', 'groups.id')
    .select('group_members.is_facilitator')
    .where('group_members.person_id', '=', personId)
    .orderBy(sql`groups.archived_at is not null`)
    .orderBy(sql`groups.name collate nocase`)
    .execute();
  return rows.map(withPlace);
}

/** Active groups of the given roles in the whole network, or in one district (its own groups and its sites' groups). */
export async function activeGroupIds(db: Db, filter: { districtId: number | null; roleKeys: readonly string[] }): Promise<number[]> {
  if (filter.roleKeys.length === 0) return [];
  let query = db
    .selectFrom('groups')
    .leftJoin('sites', 'sites.id', 'groups.site_id')
    .leftJoin('districts', (join) =>
      join.on((eb) => eb.or([eb('districts.id', '=', eb.ref('groups.district_id')), eb('districts.id', '=', eb.ref('sites.district_id'))])),
    )
    .select('groups.id')
    .where('groups.archived_at', 'is', null)
    .where('groups.role_key', 'in', filter.roleKeys)
    .where((eb) => eb.or([eb('sites.id', 'is', null), eb('sites.archived_at', 'is', null)]))
    .where((eb) => eb.or([eb('districts.id', 'is', null), eb('districts.archived_at', 'is', null)]));
  if (filter.districtId !== null) {
    const districtId = filter.districtId;
    query = query.where((eb) => eb.or([eb('groups.district_id', '=', districtId), eb('sites.district_id', '=', districtId)]));
  }
  const rows = await query.orderBy('groups.id').execute();
  return rows.map((row) => row.id);
}


export async function countActiveMembers(db: Db, groupId: number): Promise<number> {
  const row = await db
    .selectFrom('group_members')
    .innerJoin('people', 'people.id', 'group_members.person_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_members.group_id', '=', groupId)
    .where('people.archived_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}
