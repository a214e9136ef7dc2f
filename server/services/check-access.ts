/** Loads a progress check, or one group's part in it, for a viewer: unseen is absent (404). */
import { absentMessage, requireAllowed } from '../access/guard.js';
import { may, type Subject } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import type { CheckGroup, ProgressCheck } from '../db/schema.js';
import type { Db } from '../db/types.js';
import { NotFoundError } from '../errors.js';
import type { MapCatalog } from '../maps/catalog.js';
import { findRole } from '../maps/catalog.js';
import type { IcMap, Role } from '../maps/schema.js';
import type { GroupWithPlace } from '../repositories/organisation.js';
import { countCheckGroups, findCheck, findGroupInCheck } from '../repositories/progress-checks.js';
import { networkToday } from './network-time.js';
import { checkState } from './progress-checks.js';

/** A missing check answers in the guard's words for one out of sight. */
const absentCheck = (id: number): NotFoundError => new NotFoundError(absentMessage({ kind: 'check', id, districtId: null }));

/** A check as stored, whoever asks: only for code that then checks one of its groups (checkGroupFor). */
export async function checkFor(db: Db, id: number): Promise<ProgressCheck> {
  const check = await findCheck(db, id);
  if (check === undefined) throw absentCheck(id);
  return check;
}

/** A check as the policy sees it; seesAGroup: how many of its groups the viewer sees (countCheckGroups). */
export function checkSubject(check: ProgressCheck, visibleGroups?: number): Subject {
  return { kind: 'check', id: check.id, districtId: check.district_id, ...(visibleGroups === undefined ? {} : { seesAGroup: visibleGroups > 0 }) };
}

/**
 * A check the viewer may see (they see one of its groups, or lead its place), for this action: a
 * check outside their part of the network answers exactly as a missing one (404); one they see
 * but may not manage, 403. Also tells how many of its groups they see.
 */
export async function visibleCheck(db: Db, scope: AccessScope, id: number, action: 'view' | 'manage' = 'view'): Promise<{ check: ProgressCheck; visibleGroups: number }> {
  const check = await findCheck(db, id);
  if (check === undefined) throw absentCheck(id);
  const visibleGroups = await countCheckGroups(db, id, scope);
  requireAllowed(scope, action, checkSubject(check, visibleGroups));
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
  // A group that does not take part answers exactly as one the viewer may not see: nothing leaks.
  if (found?.checkGroup === undefined) throw new NotFoundError(absentMessage({ kind: 'check-group', group: { id: groupId, place: { districtId: null, siteId: null } }, open: false, revealed: false }));
  const { group, checkGroup } = found;
  const today = await networkToday(db);
  const context = { check, group, checkGroup, today };
  requireAllowed(scope, 'view', checkGroupSubject(context));
  const map = catalog.find(check.map_id, check.map_version);
  const role = map === undefined ? undefined : findRole(map, group.role_key);
  if (map === undefined || role === undefined) {
    throw new Error(`check ${check.id} uses map ${check.map_id}@${check.map_version}, which is not loaded or lacks role ${group.role_key}`);
  }
  return { ...context, map, role };
}

/** A group's part in a check as the policy sees it: the group, and whether the check is open and revealed. */
export function checkGroupSubject(context: Pick<CheckGroupContext, 'check' | 'group' | 'checkGroup' | 'today'>): Subject {
  return {
    kind: 'check-group',
    group: { id: context.group.id, place: context.group.place },
    open: checkState(context.check, context.today) === 'open',
    revealed: context.checkGroup.revealed_at !== null,
  };
}

/** Whether the viewer may change the check's dates, close or reopen it (for what the page offers). */
export function mayManageCheck(scope: AccessScope, check: ProgressCheck): boolean {
  return may(scope, 'manage', checkSubject(check));
}
