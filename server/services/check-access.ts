/** Loads a progress check, or one group's part in it, for a viewer: unseen is absent (404). */
import { may } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import type { CheckGroup, ProgressCheck } from '../db/schema.js';
import type { Db } from '../db/types.js';
import { NotFoundError } from '../errors.js';
import type { MapCatalog } from '../maps/catalog.js';
import { findRole } from '../maps/catalog.js';
import type { IcMap, Role } from '../maps/schema.js';
import type { GroupWithPlace } from '../repositories/organisation.js';
import { countCheckGroups, findCheck, findGroupInCheck } from '../repositories/progress-checks.js';
import { ForbiddenError } from './organisation-access.js';
import { networkToday } from './network-time.js';

const absent = (what: string): NotFoundError =>
  new NotFoundError(`There is no ${what} in your part of the network.`, { backHref: '/checks', backLabel: 'See your progress checks' });

/** A check as stored, whoever asks: only for code that then checks one of its groups (checkGroupFor). */
export async function checkFor(db: Db, id: number): Promise<ProgressCheck> {
  const check = await findCheck(db, id);
  if (check === undefined) throw absent(`progress check number ${id}`);
  return check;
}

/**
 * A check the viewer may see (they see one of its groups, or lead its place), for this action: a
 * check outside their part of the network answers exactly as a missing one (404); one they see
 * but may not manage, 403. Also tells how many of its groups they see.
 */
export async function visibleCheck(db: Db, scope: AccessScope, id: number, action: 'view' | 'manage' = 'view'): Promise<{ check: ProgressCheck; visibleGroups: number }> {
  const check = await findCheck(db, id);
  if (check === undefined) throw absent(`progress check number ${id}`);
  const visibleGroups = await countCheckGroups(db, id, scope);
  const subject = { kind: 'check', districtId: check.district_id, seesAGroup: visibleGroups > 0 } as const;
  if (!may(scope, 'view', subject)) throw absent(`progress check number ${id}`);
  if (action === 'manage' && !may(scope, 'manage', subject)) throw new ForbiddenError();
  return { check, visibleGroups };
}

export interface CheckGroupContext {
  check: ProgressCheck;
  group: GroupWithPlace;
  checkGroup: CheckGroup;
  /** The map version the check pinned, and the group's role in it. */
  map: IcMap;
  role: Role;
  /** Today in the network's time zone: whether the check is open is decided on it. */
  today: string;
}

/** A group's part in a check, if the viewer may see the group and the group takes part. */
export async function checkGroupFor(db: Db, catalog: MapCatalog, scope: AccessScope, checkId: number, groupId: number): Promise<CheckGroupContext> {
  const check = await checkFor(db, checkId);
  const found = await findGroupInCheck(db, checkId, groupId);
  // A group the viewer may not see answers exactly as one that does not take part: nothing leaks.
  if (found?.checkGroup === undefined || !may(scope, 'view', { kind: 'group', id: groupId, place: found.group.place })) {
    throw absent('such group in this progress check');
  }
  const { group, checkGroup } = found;
  const map = catalog.find(check.map_id, check.map_version);
  const role = map === undefined ? undefined : findRole(map, group.role_key);
  if (map === undefined || role === undefined) {
    throw new Error(`check ${check.id} uses map ${check.map_id}@${check.map_version}, which is not loaded or lacks role ${group.role_key}`);
  }
  return { check, group, checkGroup, map, role, today: await networkToday(db) };
}

export function mayManageCheck(scope: AccessScope, check: ProgressCheck): boolean {
  return may(scope, 'manage', { kind: 'check', districtId: check.district_id });
}
