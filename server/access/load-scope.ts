/** Builds a person's access scope from their group memberships. */
import type { Db } from '../db/types.js';
import { membershipsForScope } from '../repositories/people.js';
import type { AccessScope } from './scope.js';

export async function loadAccessScope(db: Db, person: { id: number; is_network_admin: number }): Promise<AccessScope> {
  const memberships = await membershipsForScope(db, person.id);
  // Members keep seeing their archived groups (their history); only active groups confer leadership.
  const active = memberships.filter((m) => m.archived === 0);
  const distinct = (ids: (number | null)[]): number[] => [...new Set(ids)].filter((id): id is number => id !== null);
  const isNetworkAdmin = person.is_network_admin === 1;
  return {
    personId: person.id,
    isNetworkAdmin,
    seesWholeNetwork: isNetworkAdmin || active.some((m) => m.role_key === 'hub-team'),
    ledDistrictIds: distinct(active.filter((m) => m.role_key === 'district-leader').map((m) => m.district_id)),
    ledSiteIds: distinct(active.filter((m) => m.role_key === 'school-leader').map((m) => m.site_id)),
    groupIds: memberships.map((m) => m.group_id),
    facilitatedGroupIds: active.filter((m) => m.is_facilitator === 1).map((m) => m.group_id),
  };
}
