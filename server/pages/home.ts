/** Page models for a signed-in person's own pages: their home page (dashboard) and their placements over time. */
import { may } from '../access/policy.js';
import { personalHistorySvg } from '../charts/personal-history.js';
import type { Network } from '../db/schema.js';
import type { Db } from '../db/types.js';
import { findRole, levelName, type MapCatalog } from '../maps/catalog.js';
import type { Outcome } from '../maps/schema.js';
import type { Viewer } from '../plugins/auth.js';
import { openActionsOwnedBy } from '../repositories/action-plans.js';
import { findNetwork } from '../repositories/network.js';
import { groupsOfPerson } from '../repositories/organisation.js';
import { checksForPerson, type CheckGroupProgress } from '../repositories/progress-checks.js';
import { ownPlacementHistory } from '../repositories/self-assessments.js';
import { addDaysTo, decorateAction, DUE_SOON_DAYS } from '../services/action-plans.js';
import { homeModel, type HomeModel, type TeamStep } from '../services/home.js';
import { shownTotals, type ShownTotals } from './checks.js';
import { checkState, type CheckState } from '../services/progress-checks.js';
import { checkGroupPath, rolePath } from '../urls.js';
import type { PageFrame } from './render.js';

/** One of the person's actions due in the next two weeks (or overdue). */
export interface DueAction {
  href: string;
  what: string;
  groupName: string;
  outcomeCode: string;
  dueOn: string;
  overdue: boolean;
  status: string;
  statusLabel: string;
}

/** The person's part in one check through one group, and where to go next. */
export interface MyCheck {
  checkId: number;
  checkName: string;
  groupName: string;
  state: CheckState;
  status: 'Submitted' | 'Draft' | 'Not started';
  opensOn: string;
  closesOn: string;
  isFacilitator: boolean;
  selfHref: string;
  consensusHref: string;
}

export interface MyGroup {
  id: number;
  name: string;
  /** The site, the district, or "Network hub". */
  place: string;
  roleName: string;
  isFacilitator: boolean;
  /** The group's role in the map browser, when the network's map has the role. */
  mapHref: string | undefined;
}

/** A group's progress in an open check, as the home page shows it. */
export interface ShownGroupProgress {
  groupId: number;
  groupName: string;
  members: number;
  submitted: number;
  revealed: boolean;
  agreed: number;
}

function shownProgress(progress: CheckGroupProgress): ShownGroupProgress {
  return {
    groupId: progress.group_id,
    groupName: progress.group_name,
    members: progress.member_count,
    submitted: progress.submitted_count,
    revealed: progress.revealed_at !== null,
    agreed: progress.agreed_count,
  };
}

type ShownStep = Omit<TeamStep, 'progress'> & { progress: ShownGroupProgress | undefined };

function shownStep<T extends TeamStep>(step: T): Omit<T, 'progress'> & { progress: ShownGroupProgress | undefined } {
  return { ...step, progress: step.progress === undefined ? undefined : shownProgress(step.progress) };
}

/** The home page's sections (services/home.ts), with camelCase rows and booleans. */
export interface HomeSections {
  adminChecks: (Omit<HomeModel['adminChecks'][number], 'totals'> & { totals: ShownTotals })[];
  todo: HomeModel['todo'];
  ledSites: { id: number; name: string; checks: { id: number; name: string; closesOn: string; groups: ShownGroupProgress[] }[] }[];
  ledDistricts: { checkId: number; checkName: string; totals: ShownTotals }[];
  teamSteps: ShownStep[];
  memberSteps: (ShownStep & { submitted: boolean })[];
}

export function homeSections(home: HomeModel): HomeSections {
  return {
    adminChecks: home.adminChecks.map((check) => ({ ...check, totals: shownTotals(check.totals) })),
    todo: home.todo,
    ledSites: home.ledSites.map((site) => ({ ...site, checks: site.checks.map((check) => ({ ...check, groups: check.groups.map(shownProgress) })) })),
    ledDistricts: home.ledDistricts.map((district) => ({ ...district, totals: shownTotals(district.totals) })),
    teamSteps: home.teamSteps.map(shownStep),
    memberSteps: home.memberSteps.map(shownStep),
  };
}

export interface DashboardPage extends PageFrame {
  network: Network | undefined;
  home: HomeSections;
  checks: MyCheck[];
  dueSoon: DueAction[];
  groups: MyGroup[];
  hasOverview: boolean;
}

/** Closed checks stay on the home page this long after closing. */
const CLOSED_CHECKS_SHOWN_DAYS = 90;

export async function dashboardPage(db: Db, maps: MapCatalog, viewer: Viewer, today: string): Promise<DashboardPage> {
  const map = maps.primary();
  const [network, groups, checks] = await Promise.all([findNetwork(db), groupsOfPerson(db, viewer.id), checksForPerson(db, viewer.id)]);
  const dueSoon = (await openActionsOwnedBy(db, viewer.scope, viewer.id, addDaysTo(today, DUE_SOON_DAYS))).map((owned): DueAction => {
    const action = decorateAction(owned, viewer.id, today);
    return { href: action.href, what: action.what, groupName: owned.group_name, outcomeCode: action.outcome_code, dueOn: action.due_on, overdue: action.overdue, status: action.status, statusLabel: action.statusLabel };
  });
  const home = await homeModel(db, viewer, checks, today);
  return {
    title: 'Your page',
    nav: 'home',
    network,
    home: homeSections(home),
    dueSoon,
    groups: groups
      .filter((group) => group.archived_at === null)
      .map((group) => {
        const role = findRole(map, group.role_key);
        return {
          id: group.id,
          name: group.name,
          place: group.site_name ?? group.district_name ?? 'Network hub',
          roleName: maps.roleName(group.role_key),
          isFacilitator: group.is_facilitator === 1,
          mapHref: role === undefined ? undefined : rolePath(map, role),
        };
      }),
    hasOverview: may(viewer.scope, 'view', { kind: 'network' }),
    checks: checks
      .map((row): MyCheck => ({
        checkId: row.check_id,
        checkName: row.check_name,
        groupName: row.group_name,
        state: checkState(row, today),
        status: row.submitted_at !== null ? 'Submitted' : row.has_draft === 1 ? 'Draft' : 'Not started',
        opensOn: row.opens_on,
        closesOn: row.closes_on,
        isFacilitator: row.is_facilitator === 1,
        selfHref: checkGroupPath(row.check_id, row.group_id, 'self'),
        consensusHref: checkGroupPath(row.check_id, row.group_id, 'consensus'),
      }))
      .filter((check) => check.state !== 'closed' || check.closesOn >= addDaysTo(today, -CLOSED_CHECKS_SHOWN_DAYS)),
  };
}

/** One group's history: a table of the person's own level and the team's, check by check, and its chart. */
export interface HistoryGroup {
  id: number;
  name: string;
  roleName: string;
  checks: { key: string; label: string }[];
  table: { outcome: Outcome; cells: { own: string; team: string }[] }[];
  /** SVG markup. */
  chart: string;
}

export interface HistoryPage extends PageFrame {
  groups: HistoryGroup[];
}

/** A person's own placements across checks, per outcome, beside their team's agreed level. Private to them. */
export async function historyPage(db: Db, maps: MapCatalog, personId: number): Promise<HistoryPage> {
  const map = maps.primary();
  const rows = await ownPlacementHistory(db, personId);
  const groupIds = [...new Set(rows.map((row) => row.group_id))];
  const groups = groupIds.flatMap((groupId): HistoryGroup[] => {
    const mine = rows.filter((row) => row.group_id === groupId);
    const first = mine[0];
    const role = first === undefined ? undefined : findRole(map, first.role_key);
    if (first === undefined || role === undefined) return [];
    const checks = [...new Map(mine.map((row) => [row.check_id, { key: String(row.check_id), label: row.check_name }])).values()];
    const cell = (code: string, checkKey: string) => mine.find((row) => row.outcome_code === code && String(row.check_id) === checkKey);
    const table = role.outcomes.map((outcome) => ({
      outcome,
      cells: checks.map((check) => {
        const row = cell(outcome.code, check.key);
        return { own: row === undefined ? '—' : row.level === null ? 'not sure' : `Level ${row.level}`, team: row?.team_level === null || row === undefined ? '—' : `Level ${row.team_level}` };
      }),
    }));
    return [
      {
        id: groupId,
        name: first.group_name,
        roleName: role.name,
        checks,
        table,
        chart: personalHistorySvg({
          id: `history-${groupId}`,
          title: `Your placements in ${first.group_name}, beside the team's agreed level`,
          description: `One panel per outcome; checks left to right, oldest first. Level 1 (Ideal) is at the top. Only you can see this.`,
          levelCount: map.levels.length,
          levelLabel: (level) => levelName(map, level),
          checks,
          outcomes: role.outcomes.map((outcome) => ({ code: outcome.code, title: outcome.title })),
          points: mine.map((row) => ({ outcomeCode: row.outcome_code, checkKey: String(row.check_id), own: row.level, team: row.team_level })),
        }),
      },
    ];
  });
  return { title: 'Your placements over time', nav: 'home', groups };
}
