/** Which kind of place each role's groups sit at: a site, a district, or the network (the hub). */

export type PlaceKind = 'site' | 'district' | 'network';

const placeOfRole: Record<string, PlaceKind> = {
  'improvement-team': 'site',
  'improvement-facilitator': 'site',
  'school-leader': 'site',
  'district-leader': 'district',
  'hub-team': 'network',
};

export const groupRoleKeys = Object.keys(placeOfRole);

/** The kind of place a role's groups sit at, or undefined for a role that cannot form groups. */
export function placeKindOfRole(roleKey: string): PlaceKind | undefined {
  return placeOfRole[roleKey];
}

export function rolesAt(kind: PlaceKind): string[] {
  return groupRoleKeys.filter((key) => placeOfRole[key] === kind);
}
