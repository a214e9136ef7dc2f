/** The map browser's lookups: find a map, role or outcome by URL segment, or say exactly what was not found. */
import { NotFoundError } from '../errors.js';
import { findOutcome, findRole, type MapCatalog } from '../maps/catalog.js';
import type { IcMap, Outcome, Role } from '../maps/schema.js';
import { mapPath, rolePath } from '../urls.js';

export function requireMap(catalog: MapCatalog, mapId: string): IcMap {
  const map = catalog.find(mapId);
  if (map === undefined) {
    throw new NotFoundError(`There is no IC map called "${mapId}".`, {
      backHref: '/',
      backLabel: 'See the maps that are available',
    });
  }
  return map;
}

export function requireRole(map: IcMap, roleKey: string): Role {
  const role = findRole(map, roleKey);
  if (role === undefined) {
    throw new NotFoundError(`The map "${map.title}" has no role called "${roleKey}".`, {
      backHref: mapPath(map),
      backLabel: `See the roles of ${map.title}`,
    });
  }
  return role;
}

export function requireOutcome(map: IcMap, role: Role, code: string): Outcome {
  const outcome = findOutcome(role, code);
  if (outcome === undefined) {
    throw new NotFoundError(`The ${role.name} map has no outcome "${code}".`, {
      backHref: rolePath(map, role),
      backLabel: `See the ${role.name} map`,
    });
  }
  return outcome;
}

/** The outcomes before and after `code` in a role's map, for previous/next links. */
export function neighbouringOutcomes(role: Role, code: string): { previous?: Outcome; next?: Outcome } {
  const index = role.outcomes.findIndex((outcome) => outcome.code === code);
  return { previous: role.outcomes[index - 1], next: role.outcomes[index + 1] };
}
