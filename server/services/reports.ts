/**
 * Reports answer the four questions a progress check is for: bright spots, areas of challenge,
 * needs for assistance and next steps; and show growth (lower level numbers) across checks.
 * Only consensus records and, within the privacy rules, anonymous spreads are used.
 */
import type { AccessScope } from '../access/scope.js';
import type { ConsensusRecord } from '../db/schema.js';
import type { Db } from '../db/types.js';
import type { IcMap, Outcome, Role } from '../maps/schema.js';
import { districtLevelCounts, siteCandidates, siteComparison, type LevelCountRow, type SiteComparisonRow, type SiteFilter } from '../repositories/reports.js';

export type Change = 'up' | 'same' | 'down';

/** Growth means the level number went down. */
export function changeBetween(previous: number | null | undefined, current: number): Change | null {
  if (previous === null || previous === undefined) return null;
  return current < previous ? 'up' : current > previous ? 'down' : 'same';
}

export const BRIGHT_SPOT_MAX = 2;
export const CHALLENGE_MIN = 4;

export interface TeamFinding {
  code: string;
  title: string;
  level: number;
  previous: number | null;
  change: Change | null;
  nextStep: string;
  dissent: string;
}

export interface TeamFindings {
  brightSpots: TeamFinding[];
  challenges: TeamFinding[];
  /** Challenges that did not improve since the group's previous check. */
  needsAssistance: TeamFinding[];
  nextSteps: TeamFinding[];
  all: TeamFinding[];
}

export function teamFindings(role: Role, records: readonly ConsensusRecord[], previous: ReadonlyMap<string, number>): TeamFindings {
  const byCode = new Map(records.map((record) => [record.outcome_code, record]));
  const all = role.outcomes.flatMap((outcome): TeamFinding[] => {
    const record = byCode.get(outcome.code);
    if (record === undefined) return [];
    const before = previous.get(outcome.code) ?? null;
    return [{ code: outcome.code, title: outcome.title, level: record.level, previous: before, change: changeBetween(before, record.level), nextStep: record.next_step, dissent: record.dissent }];
  });
  const challenges = all.filter((finding) => finding.level >= CHALLENGE_MIN);
  return {
    brightSpots: all.filter((finding) => finding.level <= BRIGHT_SPOT_MAX),
    challenges,
    needsAssistance: challenges.filter((finding) => finding.change === 'same' || finding.change === 'down'),
    nextSteps: all.filter((finding) => finding.nextStep.trim() !== ''),
    all,
  };
}

export interface SiteRow {
  groupId: number;
  label: string;
  place: string;
  cells: Map<string, { level: number; dissent: boolean; change: Change | null }>;
  /** Mean agreed level over all outcomes, or over one principle's: lower is better. */
  mean: number;
  /** The full name, for the table and the chart's hover text: a site label is never cut off there. */
  fullLabel: string;
}

export function siteRows(rows: readonly SiteComparisonRow[]): SiteRow[] {
  const byGroup = new Map<number, SiteRow>();
  for (const row of rows) {
    let site = byGroup.get(row.group_id);
    if (site === undefined) {
      const label = row.site_name ?? row.group_name;
      site = { groupId: row.group_id, label, fullLabel: row.district_name === null ? label : `${label} (${row.district_name})`, place: row.district_name ?? '', cells: new Map(), mean: 0 };
      byGroup.set(row.group_id, site);
    }
    if (row.outcome_code === null || row.level === null) continue;
    site.cells.set(row.outcome_code, { level: row.level, dissent: row.dissent === 1, change: changeBetween(row.previous_level, row.level) });
  }
  return [...byGroup.values()];
}

/**
 * The site comparison's order from the summaries' narrow rows (see sortSites): best mean first, over
 * all outcomes or one principle's, a group with none agreed last; ties by name, then as given.
 */
export function orderSiteCandidates<T extends { group_name: string; site_name: string | null; levels: number; level_sum: number }>(
  candidates: readonly T[],
): (T & { label: string; mean: number })[] {
  return candidates
    .map((candidate) => ({ ...candidate, label: candidate.site_name ?? candidate.group_name, mean: candidate.levels === 0 ? Number.POSITIVE_INFINITY : candidate.level_sum / candidate.levels }))
    .sort((a, b) => a.mean - b.mean || a.label.localeCompare(b.label));
}

export interface SiteComparisonPage {
  /** The page's sites, in order. */
  sites: SiteRow[];
  /** Sites in the comparison, on every page. */
  total: number;
  /** Of those, how many agreed every outcome, some, or none yet. */
  agreed: { all: number; some: number; none: number };
}

/**
 * One page of the site comparison: sorted and counted from one narrow summary row per site, with the
 * levels (and each one's previous check) read for the page's sites only.
 */
export async function siteComparisonPage(
  db: Db,
  scope: AccessScope,
  filter: SiteFilter & { principle: string | null },
  paging: { page: number; perPage: number; outcomeCount: number },
): Promise<SiteComparisonPage> {
  const ordered = orderSiteCandidates(await siteCandidates(db, scope, filter));
  const page = ordered.slice((paging.page - 1) * paging.perPage, paging.page * paging.perPage);
  const details = new Map(siteRows(await siteComparison(db, scope, { ...filter, groupIds: page.map((site) => site.group_id) })).map((site) => [site.groupId, site]));
  return {
    sites: page.flatMap((candidate) => {
      const site = details.get(candidate.group_id);
      return site === undefined ? [] : [{ ...site, mean: candidate.mean }];
    }),
    total: ordered.length,
    agreed: {
      all: ordered.filter((site) => site.agreed >= paging.outcomeCount).length,
      some: ordered.filter((site) => site.agreed > 0 && site.agreed < paging.outcomeCount).length,
      none: ordered.filter((site) => site.agreed === 0).length,
    },
  };
}

/** Sorts sites best first: by the mean level overall, or on one principle's outcomes; ties by name. */
export function sortSites(sites: SiteRow[], map: IcMap, principle: string | null): SiteRow[] {
  const codes = map.roles[0]?.outcomes.filter((outcome) => principle === null || outcome.principle === principle).map((outcome) => outcome.code) ?? [];
  for (const site of sites) {
    const levels = codes.flatMap((code) => {
      const cell = site.cells.get(code);
      return cell === undefined ? [] : [cell.level];
    });
    site.mean = levels.length === 0 ? Number.POSITIVE_INFINITY : levels.reduce((sum, level) => sum + level, 0) / levels.length;
  }
  return sites.sort((a, b) => a.mean - b.mean || a.label.localeCompare(b.label));
}

export interface GrowthPoint {
  checkId: number;
  outcomeCode: string;
  counts: number[];
  median: number | null;
}

/** The median of levels given as counts per level (index 0 = Level 1). */
export function medianOfCounts(counts: readonly number[]): number | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const at = (position: number): number => {
    let seen = 0;
    for (let index = 0; index < counts.length; index += 1) {
      seen += counts[index] ?? 0;
      if (seen > position) return index + 1;
    }
    return counts.length;
  };
  return total % 2 === 1 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}

export function growthPoints(rows: readonly LevelCountRow[], levelCount: number): GrowthPoint[] {
  const points = new Map<string, GrowthPoint>();
  for (const row of rows) {
    const key = `${row.check_id}:${row.outcome_code}`;
    let point = points.get(key);
    if (point === undefined) {
      point = { checkId: row.check_id, outcomeCode: row.outcome_code, counts: Array.from({ length: levelCount }, () => 0), median: null };
      points.set(key, point);
    }
    point.counts[row.level - 1] = (point.counts[row.level - 1] ?? 0) + row.groups;
  }
  for (const point of points.values()) point.median = medianOfCounts(point.counts);
  return [...points.values()];
}

export interface MemberColumn {
  key: string;
  label: string;
  kind: 'member';
}

/** A letter label for the n-th member column: A … Z, then A1 … Z1, and so on. */
export function memberLetter(index: number): string {
  return String.fromCharCode(65 + (index % 26)) + (index >= 26 ? String(Math.floor(index / 26)) : '');
}

/**
 * A team report's member columns and cells. Columns are ordered by their placements (the outcomes in
 * the map's order, Level 1 first, "not sure" after Level 5), so the order tells nothing the cells do
 * not already show: not who submitted first or last, nor anyone's id. In named view (members only)
 * they are ordered and labelled by name.
 */
export function memberColumns(
  placements: readonly { person_id: number; person_name: string; outcome_code: string; level: number | null }[],
  outcomeCodes: readonly string[],
  levelCount: number,
  named: boolean,
): { columns: MemberColumn[]; cells: { outcomeCode: string; columnKey: string; level: number | null }[] } {
  const people = new Map<number, { name: string; levels: Map<string, number | null> }>();
  for (const placement of placements) {
    const person = people.get(placement.person_id) ?? { name: placement.person_name, levels: new Map<string, number | null>() };
    person.levels.set(placement.outcome_code, placement.level);
    people.set(placement.person_id, person);
  }
  const vector = (levels: Map<string, number | null>): number[] =>
    outcomeCodes.map((code) => {
      // No answer sorts after "not sure", which sorts after Level 5.
      if (!levels.has(code)) return levelCount + 2;
      return levels.get(code) ?? levelCount + 1;
    });
  const compareVectors = (a: number[], b: number[]): number => {
    for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const ordered = [...people.values()].sort((a, b) => (named ? a.name.localeCompare(b.name) : 0) || compareVectors(vector(a.levels), vector(b.levels)));
  const columns: MemberColumn[] = [];
  const cells: { outcomeCode: string; columnKey: string; level: number | null }[] = [];
  ordered.forEach((person, index) => {
    const key = `m${index + 1}`;
    columns.push({ key, label: named && person.name !== '' ? person.name : memberLetter(index), kind: 'member' });
    for (const code of outcomeCodes) {
      const level = person.levels.get(code);
      if (level !== undefined) cells.push({ outcomeCode: code, columnKey: key, level });
    }
  });
  return { columns, cells };
}

/**
 * Each district's median agreed level per check and outcome, from level counts indexed once (the
 * growth page's side-by-side table reads each many times); null where a district agreed nothing.
 */
export function districtMedians(
  rows: readonly (LevelCountRow & { district_id: number | null })[],
  levelCount: number,
): (districtId: number, checkId: number | undefined, outcomeCode: string) => number | null {
  const counts = new Map<string, number[]>();
  for (const row of rows) {
    const key = `${row.district_id ?? 'none'}:${row.check_id}:${row.outcome_code}`;
    const levels = counts.get(key) ?? Array.from({ length: levelCount }, () => 0);
    levels[row.level - 1] = (levels[row.level - 1] ?? 0) + row.groups;
    counts.set(key, levels);
  }
  return (districtId, checkId, outcomeCode) => {
    const levels = checkId === undefined ? undefined : counts.get(`${districtId}:${checkId}:${outcomeCode}`);
    return levels === undefined ? null : medianOfCounts(levels);
  };
}

/** Where a page falls in a list of `total`: clamped to the last page (a list that shrank keeps its old links working); `first` and `last` count from 1. */
export interface PageWindow {
  page: number;
  pages: number;
  total: number;
  /** 0 on an empty list. */
  first: number;
  last: number;
  offset: number;
}

export function pageWindow(total: number, page: number, perPage: number): PageWindow {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const shown = Math.min(Math.max(1, page), pages);
  const offset = (shown - 1) * perPage;
  return { page: shown, pages, total, first: total === 0 ? 0 : offset + 1, last: Math.min(total, offset + perPage), offset };
}

/** The growth page shows this many districts side by side: enough to compare, few enough to read on a projector. */
export const DISTRICTS_PER_PAGE = 10;

export interface SideBySideCell {
  districtId: number;
  /** The district's median agreed level in the latest check; null where it agreed nothing. */
  median: number | null;
  /** Since the check before; null where either check has no median. */
  change: Change | null;
}

export interface DistrictsSideBySide extends PageWindow {
  /** The page's districts, in the order given. */
  districts: { id: number; name: string }[];
  rows: { outcome: Outcome; cells: SideBySideCell[] }[];
}

/**
 * One page of the growth page's districts side by side: each district's median in the latest check and
 * its change since the check before, with the level counts read for the page's districts only.
 */
export async function districtsSideBySide(
  db: Db,
  scope: AccessScope,
  input: {
    role: Role;
    levelCount: number;
    latestCheckId: number;
    beforeCheckId: number | undefined;
    /** Every district to compare, in the table's order. */
    districts: readonly { id: number; name: string }[];
    page: number;
    perPage: number;
  },
): Promise<DistrictsSideBySide> {
  const window = pageWindow(input.districts.length, input.page, input.perPage);
  const districts = input.districts.slice(window.offset, window.offset + input.perPage).map(({ id, name }) => ({ id, name }));
  const checkIds = [input.latestCheckId, ...(input.beforeCheckId === undefined ? [] : [input.beforeCheckId])];
  const counts = await districtLevelCounts(db, scope, { roleKey: input.role.key, checkIds, districtIds: districts.map((district) => district.id) });
  const medianOf = districtMedians(counts, input.levelCount);
  return {
    ...window,
    districts,
    rows: input.role.outcomes.map((outcome) => ({
      outcome,
      cells: districts.map((district): SideBySideCell => {
        const now = medianOf(district.id, input.latestCheckId, outcome.code);
        const then = medianOf(district.id, input.beforeCheckId, outcome.code);
        return { districtId: district.id, median: now, change: now === null ? null : changeBetween(then, now) };
      }),
    })),
  };
}
