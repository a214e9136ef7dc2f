/** Lookups over the loaded IC maps: which maps exist, and a role, outcome or level within one. */
import type { IcMap, Outcome, Principle, Role } from './schema.js';

export interface PrincipleWithOutcomes {
  principle: Principle;
  outcomes: Outcome[];
}

export interface OutcomeForRole {
  role: Role;
  outcome: Outcome;
}

export class MapCatalog {
  /** Every loaded map version, keyed by "id@version". */
  readonly #versions = new Map<string, IcMap>();
  /** The newest version of each map id: what the map browser shows. */
  readonly #current = new Map<string, IcMap>();

  /** The first map loaded: the one groups, plans and network reports use (see `primary()`). */
  readonly #primary: IcMap;

  constructor(maps: readonly IcMap[]) {
    const first = maps[0];
    if (first === undefined) throw new Error('a map catalog needs at least one IC map');
    for (const map of maps) {
      this.#versions.set(`${map.id}@${map.version}`, map);
      const current = this.#current.get(map.id);
      if (current === undefined || compareVersions(map.version, current.version) > 0) {
        this.#current.set(map.id, map);
      }
    }
    this.#primary = this.#current.get(first.id) ?? first;
  }

  /**
   * The network's map: the current version of the first map loaded. Groups, action plans and the
   * network reports read against it (outcome codes are the same in every version); a progress check
   * pins its own version with `find(id, version)`.
   */
  primary(): IcMap {
    return this.#primary;
  }

  /** A role's name in the network's map ("Improvement team"), or the key itself for a role it lacks. */
  roleName(key: string): string {
    return findRole(this.#primary, key)?.name ?? key;
  }

  /** The current version of every map, in the order the files were loaded. */
  list(): IcMap[] {
    return [...this.#current.values()];
  }

  /** A map by id: a given version (as recorded by a progress check) or the current one. */
  find(id: string, version?: string): IcMap | undefined {
    return version === undefined ? this.#current.get(id) : this.#versions.get(`${id}@${version}`);
  }
}

/** Orders "1.10" after "1.9": numeric-aware comparison of version strings. */
export function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export function findRole(map: IcMap, key: string): Role | undefined {
  return map.roles.find((role) => role.key === key);
}

export function findOutcome(role: Role, code: string): Outcome | undefined {
  return role.outcomes.find((outcome) => outcome.code === code);
}

/** A role's outcomes grouped under their principles, in the map's order. */
export function outcomesByPrinciple(map: IcMap, role: Role): PrincipleWithOutcomes[] {
  return map.principles.map((principle) => ({
    principle,
    outcomes: role.outcomes.filter((outcome) => outcome.principle === principle.code),
  }));
}

/** The same outcome code as each role words it; empty when the code is not in the map. */
export function outcomeAcrossRoles(map: IcMap, code: string): OutcomeForRole[] {
  return map.roles.flatMap((role) => {
    const outcome = findOutcome(role, code);
    return outcome === undefined ? [] : [{ role, outcome }];
  });
}

export function findPrinciple(map: IcMap, code: string): Principle | undefined {
  return map.principles.find((principle) => principle.code === code);
}

/** "Level 1 (Ideal)", "Level 3", "Level 5 (Entry)": how the source heads its columns. */
export function levelName(map: IcMap, level: number): string {
  const label = map.levels.find((definition) => definition.level === level)?.label;
  return label === undefined ? `Level ${level}` : `Level ${level} (${label})`;
}
