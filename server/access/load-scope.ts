/** Builds a person's access scope from their active group memberships. */
import type { Db } from '../db/types.js';
import { membershipsForScope } from '../repositories/people.js';
import type { AccessScope } from './scope.js';

export async function loadAccessScope(db: Db, person: { id: number; is_network_admin: number }): Promise<AccessScope> {
  const memberships = await membershipsForScope(db, person.id);
  const idsWhere = (predicate: (m: (typeof memberships)[number]) => boolean, pick: (m: (typeof memberships)[number]) => number | null): number[] =>
    [...new Set(memberships.filter(predicate).map(pick))].filter((id): id is number => id !== null);
  const isNetworkAdmin = person.is_network_admin === 1;
  return {
    personId: person.id,
    isNetworkAdmin,
    seesWholeNetwork: isNetworkAdmin || memberships.some((m) => m.role_key === 'hub-team'),
    ledDistrictIds: idsWhere((m) => m.role_key === 'district-leader', (m) => m.district_id),
    ledSiteIds: idsWhere((m) => m.role_key === 'school-leader', (m) => m.site_id),
    groupIds: memberships.map((m) => m.group_id),
    facilitatedGroupIds: memberships.filter((m) => m.is_facilitator === 1).map((m) => m.group_id),
  };
}
