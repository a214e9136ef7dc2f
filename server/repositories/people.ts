/** People: who they are, whether they can sign in, and lookups scoped by what the viewer may see. */
import { sql } from 'kysely';
import type { AccessScope } from '../access/scope.js';
import type { Person } from '../db/schema.js';
import { isoNow, type Db } from '../db/types.js';
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
  /** Part of a name or an email address. */
  search?: string;
  limit: number;
  offset: number;
  archived: boolean;
}

export async function listPeople(db: Db, scope: AccessScope, query: PeopleQuery): Promise<{ people: PersonSummary[]; total: number }> {
  let base = db
    .selectFrom('people')
    .where((eb) => personVisible(eb, scope))
    .where('people.archived_at', query.archived ? 'is not' : 'is', null);
  if (query.search !== undefined && query.search !== '') {
    const pattern = `%${query.search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    base = base.where((eb) =>
      eb.or([sql<boolean>`people.name like ${pattern} escape '\\'`, sql<boolean>`people.email like ${pattern} escape '\\'`]),
    );
  }
  const [people, count] = await Promise.all([
    base
      .select(summaryColumns)
      .select(sql<number>`people.password_hash is not null`.as('can_sign_in'))
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
    .select(sql<number>`groups.archived_at is not null`.as('archived'))
    .where('group_members.person_id', '=', personId)
    .execute();
}
