/** Loads a district, site, group or person for a viewer, through the policy: unseen is absent (404). */
import { requireAllowed } from '../access/guard.js';
import type { Action, Subject } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import type { District, Person } from '../db/schema.js';
import type { Db } from '../db/types.js';
import { NotFoundError } from '../errors.js';
import { findDistrict, findGroup, findSite, groupsOfPerson, type GroupWithPlace, type SiteWithDistrict } from '../repositories/organisation.js';
import { findPerson } from '../repositories/people.js';

/** The same words as the guard's for one out of sight (access/guard.ts): no existence leaks. */
function absent(what: string, id: number): NotFoundError {
  return new NotFoundError(`There is no ${what} number ${id} in your part of the network.`);
}

export async function districtFor(db: Db, scope: AccessScope, id: number, action: Action = 'view'): Promise<District> {
  const district = await findDistrict(db, id);
  if (district === undefined) throw absent('district', id);
  requireAllowed(scope, action, { kind: 'district', id });
  return district;
}

export async function siteFor(db: Db, scope: AccessScope, id: number, action: Action = 'view'): Promise<SiteWithDistrict> {
  const site = await findSite(db, id);
  if (site === undefined) throw absent('site', id);
  requireAllowed(scope, action, { kind: 'site', id, districtId: site.district_id });
  return site;
}

export async function groupFor(db: Db, scope: AccessScope, id: number, action: Action = 'view'): Promise<GroupWithPlace> {
  const group = await findGroup(db, id);
  if (group === undefined) throw absent('group', id);
  requireAllowed(scope, action, { kind: 'group', id, place: group.place });
  return group;
}

/** A person as the policy sees them: admin or not, and every group seat they hold. */
export function personSubject(person: Person, groups: readonly GroupWithPlace[]): Subject {
  return {
    kind: 'person',
    id: person.id,
    isNetworkAdmin: person.is_network_admin === 1,
    hasPassword: person.password_hash !== null,
    places: groups.map((group) => group.place),
  };
}

export interface PersonWithGroups {
  person: Person;
  groups: Awaited<ReturnType<typeof groupsOfPerson>>;
}

export async function personFor(db: Db, scope: AccessScope, id: number, action: Action = 'view'): Promise<PersonWithGroups> {
  const person = await findPerson(db, id);
  if (person === undefined) throw absent('person', id);
  const groups = await groupsOfPerson(db, id);
  requireAllowed(scope, action, personSubject(person, groups));
  return { person, groups };
}
