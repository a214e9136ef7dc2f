/** People: who they are, whether they can sign in, and lookups scoped by what the viewer may see. */
import { sql } from 'kysely';
import type { AccessScope } from '../access/scope.js';
import type { Person } from '../db/schema.js';
import { FOLD_FUNCTION, foldText } from '../db/fold.js';
import { isoNow, type Db } from '../db/types.js';
import { recountMembersInSummaries } from './report-summaries.js';
import { personVisible } from './visibility.js';

/** A person as shown in lists: never the password hash. */
export type PersonSummary = Omit<Person, 'password_hash'> & { can_sign_in: number };

const summaryColumns = ['people.id', 'people.email', 'people.name', 'people.is_network_admin', 'people.created_at', 'people.archived_at'] as const;

export async function findPerson(db: Db, id: number): Promise<Person | undefined> {
  return db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Email addresses match without regard to case (the column is COLLATE NOCASE). */
export async function findPersonByEmail(db: Db, email: string): Promise<Person | undefined> {
  return db.selectFrom('people').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findPeopleByEmails(db: Db, emails: readonly string[]): Promise<Person[]> {
  if (emails.length === 0) return [];
  const found: Person[] = [];
  // SQLite caps bound parameters; look up in slices.
  for (let start = 0; start < emails.length; start += 500) {
    found.push(...(await db.selectFrom('people').selectAll().where('email', 'in', emails.slice(start, start + 500)).execute()));
  }
  return found;
}

export interface PeopleQuery {
  /** Part of a name or an email address; accents and case are ignored both ways ("Angela" finds "Ángela"). */
  search?: string;
  limit: number;
  offset: number;
  archived: boolean;
  /** Only people with a seat in a group at this site, in this district (at its sites or itself), or of this role. */
  siteId?: number;
  districtId?: number;
  roleKey?: string;
  /** Only people who cannot sign in yet. */
  waitingToSignIn?: boolean;
}

/** Where a person sits, for the list: each group's role and place. */
export interface PersonSeat {
  person_id: number;
  role_key: string;
  site_name: string | null;
  district_name: string | null;
  is_facilitator: number;
}

export async function listPeople(db: Db, scope: AccessScope, query: PeopleQuery): Promise<{ people: PersonSummary[]; total: number }> {
  let base = db
    .selectFrom('people')
    .where((eb) => personVisible(eb, scope))
    .where('people.archived_at', query.archived ? 'is not' : 'is', null);
  if (query.search !== undefined && query.search !== '') {
    const pattern = `%${foldText(query.search).replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    const fold = sql.raw(FOLD_FUNCTION);
    base = base.where((eb) =>
      eb.or([sql<boolean>`${fold}(people.name) like ${pattern} escape '\\'`, sql<boolean>`${fold}(people.email) like ${pattern} escape '\\'`]),
    );
  }
  if (query.siteId !== undefined || query.districtId !== undefined || query.roleKey !== undefined) {
    const { siteId, districtId, roleKey } = query;
    base = base.where((eb) =>
      eb.exists(
        eb
          .selectFrom('group_members')
          .innerJoin('groups', 'groups.id', 'group_members.group_id')
          .leftJoin('sites', 'sites.id', 'groups.site_id')
          .select('group_members.group_id')
          .whereRef('group_members.person_id', '=', 'people.id')
          .where('groups.archived_at', 'is', null)
          .$if(siteId !== undefined, (q) => q.where('groups.site_id', '=', siteId ?? 0))
          .$if(districtId !== undefined, (q) => q.where(sql<number>`coalesce(groups.district_id, sites.district_id)`, '=', districtId ?? 0))
          .$if(roleKey !== undefined, (q) => q.where('groups.role_key', '=', roleKey ?? '')),
      ),
    );
  }
  if (query.waitingToSignIn === true) base = base.where('people.password_hash', 'is', null);
  const [people, count] = await Promise.all([
    base
      .select(summaryColumns)
      .select(sql<number>`case when people.password_hash is not null then 1 else 0 end`.as('can_sign_in'))
      .orderBy(sql`people.name collate nocase`)
      .orderBy('people.id')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { people, total: count.total };
}

export interface NewPerson {
  email: string;
  name: string;
  isNetworkAdmin?: boolean;
  passwordHash?: string | null;
}

export async function createPerson(db: Db, person: NewPerson): Promise<number> {
  const row = await db
    .insertInto('people')
    .values({
      email: person.email,
      name: person.name,
      is_network_admin: person.isNetworkAdmin === true ? 1 : 0,
      password_hash: person.passwordHash ?? null,
      archived_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updatePersonDetails(db: Db, id: number, details: { name: string; email: string }): Promise<void> {
  await db.updateTable('people').set(details).where('id', '=', id).execute();
}

export async function setNetworkAdmin(db: Db, id: number, isAdmin: boolean): Promise<void> {
  await db.updateTable('people').set({ is_network_admin: isAdmin ? 1 : 0 }).where('id', '=', id).execute();
}

export async function setPersonArchived(db: Db, id: number, archived: boolean): Promise<void> {
  await db.updateTable('people').set({ archived_at: archived ? isoNow() : null }).where('id', '=', id).execute();
  await recountMembersInSummaries(db, { personId: id });
}

export async function setPasswordHash(db: Db, id: number, passwordHash: string): Promise<void> {
  await db.updateTable('people').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}

export async function countActiveNetworkAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('is_network_admin', '=', 1)
    .where('archived_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Scope inputs: the person's memberships with each group's role, place and whether it is archived. */
export async function membershipsForScope(
  db: Db,
  personId: number,
): Promise<{ group_id: number; role_key: string; is_facilitator: number; district_id: number | null; site_id: number | null; archived: number }[]> {
  return db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .select(['groups.id as group_id', 'groups.role_key', 'group_members.is_facilitator', 'groups.district_id', 'groups.site_id'])
    .select(sql<number>`case when groups.archived_at is not null then 1 else 0 end`.as('archived'))
    .where('group_members.person_id', '=', personId)
    .execute();
}

/** Active people who have not set a password yet: they need an invitation. */
export async function countPeopleWaitingToSignIn(db: Db): Promise<number> {
  const row = await db
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('password_hash', 'is', null)
    .where('archived_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** The active group seats of these people, with each group's role and place. */
export async function seatsOf(db: Db, personIds: readonly number[]): Promise<PersonSeat[]> {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .leftJoin('sites', 'sites.id', 'groups.site_id')
    .leftJoin('districts', (join) =>
      join.on((eb) => eb.or([eb('districts.id', '=', eb.ref('groups.district_id')), eb('districts.id', '=', eb.ref('sites.district_id'))])),
    )
    .select(['group_members.person_id', 'groups.role_key', 'sites.name as site_name', 'districts.name as district_name', 'group_members.is_facilitator'])
    .where('group_members.person_id', 'in', personIds)
    .where('groups.archived_at', 'is', null)
    .orderBy(sql`sites.name collate nocase`)
    .execute();
}
