/** Page models for the map browser (no sign-in): the maps, a map, a role's rubric, an outcome across roles and in one role. */
import { findPrinciple, outcomeAcrossRoles, outcomesByPrinciple, type OutcomeForRole, type PrincipleWithOutcomes } from '../maps/catalog.js';
import { adjacentLevelChanges, type LevelComparison } from '../maps/level-changes.js';
import type { IcMap, Outcome, Principle, Role } from '../maps/schema.js';
import { neighbouringOutcomes } from '../services/map-browser.js';
import type { PageFrame } from './render.js';

/** The home page for a visitor: what ICMap is, and the maps to browse. */
export interface VisitorHomePage extends PageFrame {
  maps: readonly IcMap[];
}

export interface MapListPage extends PageFrame {
  maps: readonly IcMap[];
}

export interface MapPage extends PageFrame {
  map: IcMap;
}

export interface RoleMapPage extends PageFrame {
  map: IcMap;
  role: Role;
  sections: PrincipleWithOutcomes[];
}

/** One outcome's code in every role that has it. */
export interface OutcomeAcrossRolesPage extends PageFrame {
  map: IcMap;
  code: string;
  principle: Principle | undefined;
  rows: OutcomeForRole[];
}

/** One outcome in one role: its levels, what changes between them, and the outcomes either side. */
export interface RoleOutcomePage extends PageFrame {
  map: IcMap;
  role: Role;
  outcome: Outcome;
  principle: Principle | undefined;
  changes: LevelComparison[];
  previous?: Outcome;
  next?: Outcome;
}

export function roleMapPage(map: IcMap, role: Role): RoleMapPage {
  return { title: `${role.name} — ${map.title}`, map, role, sections: outcomesByPrinciple(map, role) };
}

/** The outcome across roles, or undefined when no role of the map has it. */
export function outcomeAcrossRolesPage(map: IcMap, code: string): OutcomeAcrossRolesPage | undefined {
  const rows = outcomeAcrossRoles(map, code);
  const first = rows[0];
  if (first === undefined) return undefined;
  return { title: `${first.outcome.code} across roles — ${map.title}`, map, code: first.outcome.code, principle: findPrinciple(map, first.outcome.principle), rows };
}

export function roleOutcomePage(map: IcMap, role: Role, outcome: Outcome): RoleOutcomePage {
  return {
    title: `${outcome.code} ${outcome.title} — ${role.name}`,
    map,
    role,
    outcome,
    principle: findPrinciple(map, outcome.principle),
    changes: adjacentLevelChanges(outcome),
    ...neighbouringOutcomes(role, outcome.code),
  };
}
