/** Page models for progress checks: the list (and opening one), one check's progress, and closing it. */
import type { ProgressCheck } from '../db/schema.js';
import type { IcMap } from '../maps/schema.js';
import type { DistrictSummary, SiteSummary } from '../repositories/organisation.js';
import type { CheckGroupProgress, ProgressTotals } from '../repositories/progress-checks.js';
import type { CheckState } from '../services/progress-checks.js';
import type { PageFrame } from './render.js';

/** A check in the list. */
export interface ListedCheck {
  id: number;
  name: string;
  opensOn: string;
  closesOn: string;
  state: CheckState;
  groupCount: number;
}

export function listedCheck(check: ProgressCheck & { group_count: number }, state: CheckState): ListedCheck {
  return { id: check.id, name: check.name, opensOn: check.opens_on, closesOn: check.closes_on, state, groupCount: check.group_count };
}

export interface CheckListPage extends PageFrame {
  checks: ListedCheck[];
  /** The viewer may open a check for at least one place. */
  canOpen: boolean;
  /** Who may take part: the network, or one district. */
  places: { value: string; label: string }[];
  maps: readonly IcMap[];
  roles: { key: string; name: string }[];
  today: string;
  errors: Record<string, string>;
  values: Record<string, unknown>;
}

/** A group's row in a check's progress table. */
export interface GroupProgressRow {
  groupId: number;
  name: string;
  roleName: string;
  /** The site, the district, or "Network hub". */
  place: string;
  /** The site's district, named beside it. */
  districtName: string | undefined;
  members: number;
  submitted: number;
  revealed: boolean;
  agreed: number;
  /** Members who have not submitted yet. */
  waitingFor: string[];
  /** The step the group is on, in words. */
  stage: string;
  /** The viewer is a member: a link to their own self-assessment. */
  isMine: boolean;
}

export function groupProgressRow(group: CheckGroupProgress, shown: Pick<GroupProgressRow, 'roleName' | 'waitingFor' | 'stage' | 'isMine'>): GroupProgressRow {
  return {
    groupId: group.group_id,
    name: group.group_name,
    place: group.site_name ?? group.district_name ?? 'Network hub',
    districtName: group.site_name === null ? undefined : (group.district_name ?? undefined),
    members: group.member_count,
    submitted: group.submitted_count,
    revealed: group.revealed_at !== null,
    agreed: group.agreed_count,
    ...shown,
  };
}

/** The check a page is about. */
export interface ShownCheck {
  id: number;
  name: string;
  opensOn: string;
  closesOn: string;
  mapVersion: string;
}

export function shownCheck(check: ProgressCheck): ShownCheck {
  return { id: check.id, name: check.name, opensOn: check.opens_on, closesOn: check.closes_on, mapVersion: check.map_version };
}

/** How far a check's groups have got, as its pages and the home page show it. */
export interface ShownTotals {
  groups: number;
  members: number;
  submitted: number;
  /** Groups where every member submitted. */
  groupsSubmitted: number;
  groupsRevealed: number;
  /** Groups with every outcome agreed, and those still without. */
  groupsAgreed: number;
  groupsNotAgreed: number;
  allAgreed: boolean;
}

export function shownTotals(totals: ProgressTotals): ShownTotals {
  return {
    groups: totals.groups,
    members: totals.members,
    submitted: totals.submitted,
    groupsSubmitted: totals.groups_submitted,
    groupsRevealed: totals.groups_revealed,
    groupsAgreed: totals.groups_agreed,
    groupsNotAgreed: totals.groups - totals.groups_agreed,
    allAgreed: totals.groups_agreed >= totals.groups,
  };
}

export interface CheckPage extends PageFrame {
  check: ShownCheck;
  state: CheckState;
  mapTitle: string;
  outcomeCount: number;
  groups: GroupProgressRow[];
  totals: ShownTotals;
  /** Groups of the check the viewer can see. */
  visible: number;
  canManage: boolean;
  /** The filter as asked, to put back into its form. */
  query: { district?: number; site?: number; role?: string; status?: string; sort: string };
  districts: DistrictSummary[];
  sites: SiteSummary[];
  roles: { key: string; name: string }[];
  statuses: { value: string; label: string }[];
  filtered: boolean;
  /** The filter as a query string, for the pager's links. */
  filter: string;
  pageNumber: number;
  pages: number;
  suggestedClosesOn: string;
  errors: Record<string, string>;
  values: Record<string, string>;
}

/** "Close it now?": what closing does and how far the groups have got. */
export interface CloseCheckPage extends PageFrame {
  check: { id: number; name: string; closesOn: string };
  state: CheckState;
  totals: ShownTotals;
  outcomeCount: number;
  errors: Record<string, string>;
}
