/** Loads a district, site, group or person for a viewer, through the policy: unseen is absent (404). */
import type { Action, Subject } from '../access/policy.js';
import { may } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import type { District, Person } from '../db/schema.js';
import type { Db } from '../db/types.js';
import { NotFoundError } from '../errors.js';
import { findDistrict, findGroup, findSite, groupsOfPerson, type GroupWithPlace, type SiteWithDistrict } from '../repositories/organisation.js';
import { findPerson } from '../repositories/people.js';

/** The viewer may see this but not do that to it. */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
  readonly statusCode = 403;
  constructor(message = 'You can see this, but your role does not let you change it.') {
    super(message);
  }
}

/** The same words whether the thing does not exist or the viewer may not see it: no existence leaks. */
function absent(what: string, id?: number): NotFoundError {
  return new NotFoundError(`There is no ${what}${id === undefined ? '' : ` number ${id}`} in your part of the network.`, {
    backHref: '/',
    backLabel: 'Go to your home page',
  });
}

function check(scope: AccessScope, action: Action, subject: Subject, what: string): void {
  if (!may(scope, 'view', subject)) throw absent(what, 'id' in subject ? subject.id : undefined);
  if (action !== 'view' && !may(scope, action, subject)) throw new ForbiddenError();
}

export function checkNetwork(scope: AccessScope, action: Action): void {
  check(scope, action, { kind: 'network' }, 'network overview');
}

export function checkAdministration(scope: AccessScope): void {
  check(scope, 'manage', { kind: 'administration' }, 'page');
}

export async function districtFor(db: Db, scope: AccessScope, id: number, action: Action = 'view'): Promise<District> {
  const district = await findDistrict(db, id);
  if (district === undefined) throw absent('district', id);
  check(scope, action, { kind: 'district', id }, 'district');
  return district;
}

export async function siteFor(db: Db, scope: AccessScope, id: number, action: Action = 'view'): Promise<SiteWithDistrict> {
  const site = await findSite(db, id);
  if (site === undefined) throw absent('site', id);
  check(scope, action, { kind: 'site', id, districtId: site.district_id }, 'site');
  return site;
}

export async function groupFor(db: Db, scope: AccessScope, id: number, action: Action = 'view'): Promise<GroupWithPlace> {
  const group = await findGroup(db, id);
  if (group === undefined) throw absent('group', id);
  check(scope, action, { kind: 'group', id, place: group.place }, 'group');
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
  check(scope, action, personSubject(person, groups), 'person');
  return { person, groups };
}
