/**
 * Page models for the reports: a team's report, the site comparison and growth over time, each with its
 * chart and the rows of its CSV, so the routes only check the request and render or send what is built here.
 */
import { groupRoleKeys } from '../access/group-roles.js';
import type { AccessScope } from '../access/scope.js';
import { consensusHeatmapSvg, type ChartPrinciple } from '../charts/consensus-heatmap.js';
import { growthChartSvg } from '../charts/growth-chart.js';
import { CHANGE_GLYPH, siteHeatmapSvg } from '../charts/site-heatmap.js';
import type { ProgressCheck } from '../db/schema.js';
import type { Db } from '../db/types.js';
import { NotFoundError } from '../errors.js';
import { levelName, outcomesByPrinciple, type MapCatalog } from '../maps/catalog.js';
import type { IcMap, Role } from '../maps/schema.js';
import type { Viewer } from '../plugins/auth.js';
import { actionCountsByGroup } from '../repositories/action-plans.js';
import { consensusForGroup } from '../repositories/consensus.js';
import { listDistrictChoices } from '../repositories/organisation.js';
import { listChecks } from '../repositories/progress-checks.js';
import { checksByIds, countIndividualGroups, latestCheckWithConsensus, openCheckAgreement, previousConsensus, roleLevelCounts, siteComparison } from '../repositories/reports.js';
import { submittedPlacements } from '../repositories/self-assessments.js';
import { whatTheTeamDid, type PlannedAction } from '../services/action-plans.js';
import { visibleCheck, type CheckGroupContext } from '../services/check-access.js';
import { consensusAccessFor, type ConsensusAccess } from '../services/consensus.js';
import { checkState, type CheckState } from '../services/progress-checks.js';
import {
  DISTRICTS_PER_PAGE,
  districtsSideBySide,
  growthPoints,
  memberColumns,
  siteComparisonPage,
  siteRows,
  sortSites,
  teamFindings,
  type Change,
  type GrowthPoint,
  type SiteComparisonPage,
  type TeamFindings,
} from '../services/reports.js';
import { checkGroupPath, reportPath, withQuery } from '../urls.js';
import type { PageFrame } from './render.js';

/** What the builders read from: the database, the maps and the network's privacy threshold. */
export interface ReportSources {
  db: Db;
  maps: MapCatalog;
  minGroupSize: number;
}

/** A CSV download: its file name (without ".csv"), header and rows, written by the route. */
export interface CsvFile {
  name: string;
  fields: string[];
  rows: (string | number | null)[][];
}

/** One choice in a report's filter form. */
export interface FilterOption {
  value: string;
  label: string;
  selected: boolean;
}

/** The site comparison shows this many sites a page. */
export const SITES_PER_PAGE = 50;

const changeGlyph = (change: Change | null): string => (change === null ? '' : ` ${CHANGE_GLYPH[change]}`);

function roleOf(map: IcMap, key: string): Role {
  const role = map.roles.find((candidate) => candidate.key === key);
  if (role === undefined) throw new NotFoundError(`The map has no role "${key}".`);
  return role;
}

function roleOptions(map: IcMap, selected: string): FilterOption[] {
  return groupRoleKeys.map((key) => ({ value: key, label: roleOf(map, key).name, selected: key === selected }));
}

function districtOptions(districts: readonly { id: number; name: string }[], selected: number | undefined): FilterOption[] {
  return districts.map((district) => ({ value: String(district.id), label: district.name, selected: district.id === selected }));
}

function chartPrinciples(map: IcMap, role: Role): ChartPrinciple[] {
  return outcomesByPrinciple(map, role).map((section) => ({
    code: section.principle.code,
    title: section.principle.title,
    outcomes: section.outcomes.map((outcome) => ({ code: outcome.code, title: outcome.title })),
  }));
}

// ---- one team ----

export interface TeamReportRow {
  code: string;
  title: string;
  /** One text per column, members first, then the consensus: a level, "not sure" or "—", and "(dissent)". */
  cells: string[];
  /** "improved", "slipped", "no change" or "—". */
  change: string;
  /** The actions that carried the previous check's next step; undefined when nothing was agreed then. */
  teamDid: PlannedAction[] | undefined;
}

export interface TeamReportPage extends PageFrame {
  nav: 'reports';
  context: CheckGroupContext;
  access: ConsensusAccess;
  /** The check is still open: the record is partial. */
  open: boolean;
  findings: TeamFindings;
  chart: string;
  csvHref: string;
  columnLabels: string[];
  /** Whether members' placements have columns (otherwise only the consensus has one). */
  hasMemberColumns: boolean;
  table: TeamReportRow[];
  /** The whole conversation, outcome by outcome: agreed level, rationale, dissent and next step ("—" where none). */
  conversation: {
    principle: { code: string; title: string };
    outcomes: { code: string; title: string; agreed: { level: string; rationale: string; dissent: string; nextStep: string } | undefined }[];
  }[];
}

/** The heatmap's columns and cells: members (as far as privacy allows) and the consensus. */
async function teamColumns(sources: ReportSources, context: CheckGroupContext, access: ConsensusAccess) {
  const { db } = sources;
  const { check, group, map, role } = context;
  const [records, placements] = await Promise.all([
    access.showRecords ? consensusForGroup(db, check.id, group.id) : [],
    access.showSpread ? submittedPlacements(db, check.id, group.id, access.showNames) : [],
  ]);
  // Members appear as letters ordered by their placements (never by who submitted when), or by name in named view.
  const members = memberColumns(
    placements,
    role.outcomes.map((outcome) => outcome.code),
    map.levels.length,
    access.showNames,
  );
  const columns = [...members.columns, { key: 'consensus', label: access.individual ? 'Self-assessment' : 'Consensus', kind: 'consensus' as const }];
  const cells: { outcomeCode: string; columnKey: string; level: number | null; dissent?: boolean }[] = [
    ...members.cells,
    ...records.map((record) => ({ outcomeCode: record.outcome_code, columnKey: 'consensus', level: record.level, dissent: record.dissent.trim() !== '' })),
  ];
  return { records, columns, cells };
}

export async function teamReportCsv(sources: ReportSources, viewer: Viewer, context: CheckGroupContext): Promise<CsvFile> {
  const { check, group, role } = context;
  const { access } = await consensusAccessFor(sources.db, viewer.scope, context, sources.minGroupSize);
  const { columns, cells } = await teamColumns(sources, context, access);
  const titles = new Map(role.outcomes.map((outcome) => [outcome.code, outcome.title]));
  const labels = new Map(columns.map((column) => [column.key, column.label]));
  return {
    name: `icmap-team-${group.id}-check-${check.id}`,
    fields: ['outcome', 'outcome_title', 'column', 'level', 'dissent'],
    rows: cells.map((cell) => [cell.outcomeCode, titles.get(cell.outcomeCode) ?? '', labels.get(cell.columnKey) ?? '', cell.level ?? 'not sure', cell.dissent === true ? 'yes' : '']),
  };
}

export async function teamReportPage(sources: ReportSources, viewer: Viewer, context: CheckGroupContext, today: string): Promise<TeamReportPage> {
  const { db } = sources;
  const { check, group, map, role } = context;
  const { access } = await consensusAccessFor(db, viewer.scope, context, sources.minGroupSize);
  const [{ records, columns, cells }, previous, teamDid] = await Promise.all([
    teamColumns(sources, context, access),
    access.showRecords ? previousConsensus(db, group.id, check.opens_on) : new Map<string, number>(),
    whatTheTeamDid(db, group.id, check.opens_on, viewer.id),
  ]);
  const findings = teamFindings(role, records, previous);
  const sections = outcomesByPrinciple(map, role);
  const recordByCode = new Map(records.map((record) => [record.outcome_code, record]));
  const findingByCode = new Map(findings.all.map((finding) => [finding.code, finding]));
  const cellAt = new Map(cells.map((cell) => [`${cell.outcomeCode}|${cell.columnKey}`, cell]));
  const changeText = (change: Change | null | undefined): string => (change === 'up' ? 'improved' : change === 'down' ? 'slipped' : change === 'same' ? 'no change' : '—');
  const principles = chartPrinciples(map, role);
  return {
    title: `Report: ${group.name} — ${check.name}`,
    nav: 'reports',
    context,
    access,
    open: checkState(check, today) === 'open',
    findings,
    chart: consensusHeatmapSvg({
      id: 'team-heatmap',
      title: `${group.name}: placements and consensus, ${check.name}`,
      description: `Rows are the ${role.outcomes.length} outcomes grouped by principle; columns are ${access.showSpread ? 'members' : 'no members (their placements are not shown here)'} and the consensus. Darker is closer to Level 1 (Ideal).`,
      levelCount: map.levels.length,
      levelLabel: (level) => levelName(map, level),
      principles,
      columns,
      cells,
    }),
    csvHref: withQuery(checkGroupPath(check.id, group.id, 'report'), { format: 'csv' }),
    columnLabels: columns.map((column) => column.label),
    hasMemberColumns: columns.length > 1,
    table: sections.flatMap((section) =>
      section.outcomes.map((outcome) => ({
        code: outcome.code,
        title: outcome.title,
        cells: columns.map((column) => {
          const cell = cellAt.get(`${outcome.code}|${column.key}`);
          const text = cell === undefined ? '—' : cell.level === null ? 'not sure' : String(cell.level);
          return cell?.dissent === true ? `${text} (dissent)` : text;
        }),
        change: changeText(findingByCode.get(outcome.code)?.change),
        teamDid: teamDid[outcome.code],
      })),
    ),
    conversation: sections.map((section) => ({
      principle: { code: section.principle.code, title: section.principle.title },
      outcomes: section.outcomes.map((outcome) => {
        const record = recordByCode.get(outcome.code);
        return {
          code: outcome.code,
          title: outcome.title,
          agreed:
            record === undefined
              ? undefined
              : { level: levelName(map, record.level), rationale: record.rationale || '—', dissent: record.dissent || '—', nextStep: record.next_step || '—' },
        };
      }),
    })),
  };
}

// ---- site comparison ----

/** The site comparison's filter, as the route validated it. */
export interface SiteComparisonQuery {
  check?: number | undefined;
  role: string;
  district?: number | undefined;
  /** "overall" or a principle's code. */
  sort: string;
  page: number;
}

export interface SiteComparisonTableRow {
  href: string;
  label: string;
  place: string;
  /** Per outcome in the map's order: the level, its change glyph and " *" for dissent, or "not yet". */
  cells: string[];
}

export interface SiteComparisonReportPage extends PageFrame {
  nav: 'reports';
  /** The check shown, if there is any check. */
  check: Pick<ProgressCheck, 'id' | 'name'> | undefined;
  /** 'closed', 'open' or 'upcoming'. */
  state: CheckState | undefined;
  checkOptions: FilterOption[];
  roleOptions: FilterOption[];
  districtOptions: FilterOption[];
  sortOptions: FilterOption[];
  role: Pick<Role, 'key' | 'name'>;
  principles: ChartPrinciple[];
  /** The page's sites in the table. */
  rows: SiteComparisonTableRow[];
  followThrough: { groupId: number; label: string; counts: { done: number; overdue: number; total: number } }[];
  total: number;
  agreed: SiteComparisonPage['agreed'];
  individualGroups: number;
  minGroupSize: number;
  page: number;
  pages: number;
  previousHref: string | undefined;
  nextHref: string | undefined;
  csvHref: string;
  chart: string;
}

interface SiteComparisonSetup {
  map: IcMap;
  role: Role;
  check: ProgressCheck | undefined;
  checks: Awaited<ReturnType<typeof listChecks>>;
  principle: string | null;
  /** What the comparison reads, when there is a check. */
  filter: { checkId: number; roleKey: string; districtId: number | null; minGroupSize: number } | undefined;
  /** The filter as a query string's values, in the order the links have always had them. */
  links: Record<string, string | number | undefined>;
}

async function siteComparisonSetup(sources: ReportSources, scope: AccessScope, query: SiteComparisonQuery): Promise<SiteComparisonSetup> {
  const { db } = sources;
  const map = sources.maps.primary();
  const role = roleOf(map, query.role);
  const checks = await listChecks(db, scope);
  // By default the newest check with any consensus: an open check with nothing agreed yet shows nothing.
  const checkId = query.check ?? (await latestCheckWithConsensus(db, scope, role.key, checks.map((c) => c.id))) ?? checks[0]?.id;
  const check = checkId === undefined ? undefined : (await visibleCheck(db, scope, checkId)).check;
  return {
    map,
    role,
    check,
    checks,
    principle: query.sort === 'overall' ? null : query.sort,
    filter: check === undefined ? undefined : { checkId: check.id, roleKey: role.key, districtId: query.district ?? null, minGroupSize: sources.minGroupSize },
    links: { check: check?.id, role: role.key, district: query.district, sort: query.sort },
  };
}

/** The export lists every site in full; the page reads only the sites it shows. */
export async function siteComparisonCsv(sources: ReportSources, scope: AccessScope, query: SiteComparisonQuery): Promise<CsvFile> {
  const { map, role, check, filter, principle } = await siteComparisonSetup(sources, scope, query);
  const sites = sortSites(siteRows(filter === undefined ? [] : await siteComparison(sources.db, scope, filter)), map, principle);
  return {
    name: `icmap-site-comparison-${check?.id ?? 'none'}-${role.key}`,
    fields: ['site', 'district', 'outcome', 'level', 'dissent', 'change_since_previous_check'],
    rows: sites.flatMap((site) =>
      role.outcomes.map((outcome) => {
        const cell = site.cells.get(outcome.code);
        return cell === undefined
          ? [site.label, site.place, outcome.code, 'not yet agreed', '', '']
          : [site.label, site.place, outcome.code, cell.level, cell.dissent ? 'yes' : '', cell.change ?? ''];
      }),
    ),
  };
}

export async function siteComparisonReportPage(sources: ReportSources, scope: AccessScope, query: SiteComparisonQuery, today: string): Promise<SiteComparisonReportPage> {
  const { db } = sources;
  const { map, role, check, checks, filter, principle, links } = await siteComparisonSetup(sources, scope, query);
  const [districts, { sites: shown, total, agreed }, individualGroups] = await Promise.all([
    listDistrictChoices(db, scope),
    filter === undefined ? { sites: [], total: 0, agreed: { all: 0, some: 0, none: 0 } } : siteComparisonPage(db, scope, { ...filter, principle }, { page: query.page, perPage: SITES_PER_PAGE, outcomeCount: role.outcomes.length }),
    filter !== undefined && sources.minGroupSize > 1 ? countIndividualGroups(db, scope, filter) : 0,
  ]);
  const pages = Math.max(1, Math.ceil(total / SITES_PER_PAGE));
  const principles = chartPrinciples(map, role);
  const codes = principles.flatMap((p) => p.outcomes.map((outcome) => outcome.code));
  const actionCounts = new Map((await actionCountsByGroup(db, scope, shown.map((site) => site.groupId), today)).map((row) => [row.group_id, row]));
  const reportOf = (groupId: number): string => (check === undefined ? '' : checkGroupPath(check.id, groupId, 'report'));
  return {
    title: 'Site comparison',
    nav: 'reports',
    check: check === undefined ? undefined : { id: check.id, name: check.name },
    state: check === undefined ? undefined : checkState(check, today),
    checkOptions: checks.map((c) => ({ value: String(c.id), label: c.name, selected: c.id === check?.id })),
    roleOptions: roleOptions(map, role.key),
    districtOptions: districtOptions(districts, query.district),
    sortOptions: principles.map((p) => ({ value: p.code, label: `Principle ${p.code}. ${p.title}`, selected: query.sort === p.code })),
    role: { key: role.key, name: role.name },
    principles,
    rows: shown.map((site) => ({
      href: reportOf(site.groupId),
      label: site.label,
      place: site.place,
      cells: codes.map((code) => {
        const cell = site.cells.get(code);
        return cell === undefined ? 'not yet' : `${cell.level}${changeGlyph(cell.change)}${cell.dissent ? ' *' : ''}`;
      }),
    })),
    followThrough: shown.map((site) => {
      const counts = actionCounts.get(site.groupId);
      return { groupId: site.groupId, label: site.label, counts: counts === undefined ? { done: 0, overdue: 0, total: 0 } : { done: counts.done, overdue: counts.overdue, total: counts.total } };
    }),
    total,
    agreed,
    individualGroups,
    minGroupSize: sources.minGroupSize,
    page: query.page,
    pages,
    previousHref: query.page > 1 ? reportPath('sites', { ...links, page: query.page - 1 }) : undefined,
    nextHref: query.page < pages ? reportPath('sites', { ...links, page: query.page + 1 }) : undefined,
    csvHref: reportPath('sites', { ...links, format: 'csv' }),
    chart:
      shown.length === 0
        ? ''
        : siteHeatmapSvg({
            id: 'site-heatmap',
            title: `${role.name} consensus by site${check === undefined ? '' : `, ${check.name}`}`,
            description: `Rows are sites (${shown.length} of ${total}), columns the ${role.outcomes.length} outcomes; darker is closer to Level 1 (Ideal). Arrows show the change since each group's previous check; hatched cells are not yet agreed.`,
            levelCount: map.levels.length,
            levelLabel: (level) => levelName(map, level),
            principles,
            rows: shown.map((site) => ({ key: String(site.groupId), label: site.label, fullLabel: site.fullLabel, href: check === undefined ? undefined : reportOf(site.groupId) })),
            cells: shown.flatMap((site) => [...site.cells].map(([code, cell]) => ({ rowKey: String(site.groupId), outcomeCode: code, level: cell.level, dissent: cell.dissent, change: cell.change }))),
          }),
  };
}

// ---- growth ----

/** Growth over time's filter, as the route validated it. */
export interface GrowthQuery {
  role: string;
  district?: number | undefined;
  /** Open checks are left out unless asked for: their consensus is still being agreed. */
  open?: '1' | undefined;
  /** The page of districts side by side. */
  page: number;
}

export interface GrowthCheck {
  id: number;
  name: string;
  inProgress: boolean;
  /** "k of n groups agreed", for a check in progress; "" otherwise. */
  progress: string;
}

/** One page of districts side by side: who is shown, the cells as text, and links to the pages either side. */
export interface GrowthDistrictsTable {
  districts: { id: number; name: string }[];
  rows: { code: string; title: string; /** Per district: its median and change glyph, or "—". */ cells: string[] }[];
  page: number;
  pages: number;
  /** "districts 1–10 of 84": counted from 1. */
  first: number;
  last: number;
  total: number;
  previousHref: string | undefined;
  nextHref: string | undefined;
}

export interface GrowthPage extends PageFrame {
  nav: 'reports';
  role: Pick<Role, 'key' | 'name'>;
  roleOptions: FilterOption[];
  districtOptions: FilterOption[];
  /** The filter asked for open checks too. */
  includeOpen: boolean;
  /** The checks drawn, in time order. */
  checks: GrowthCheck[];
  /** Checks still being agreed (drawn only with includeOpen). */
  openChecks: GrowthCheck[];
  /** The chart's data as a table: per outcome, per check, "median (groups)" or "—". */
  medianTable: { code: string; title: string; cells: string[] }[];
  /** The latest closed check, which the districts are compared in. */
  latest: Pick<ProgressCheck, 'id' | 'name'> | undefined;
  /** Only for the whole of what the viewer sees, with two districts or more, once a check has closed. */
  districtsTable: GrowthDistrictsTable | undefined;
  csvHref: string;
  chart: string;
}

interface GrowthData {
  map: IcMap;
  role: Role;
  /** Checks with consensus shown, in time order, closed ones only unless the open ones were asked for. */
  checks: (ProgressCheck & GrowthCheck)[];
  openChecks: (ProgressCheck & GrowthCheck)[];
  points: GrowthPoint[];
}

async function growthData(sources: ReportSources, scope: AccessScope, query: GrowthQuery, today: string): Promise<GrowthData> {
  const { db } = sources;
  const map = sources.maps.primary();
  const role = roleOf(map, query.role);
  const districtId = query.district ?? null;
  const rows = await roleLevelCounts(db, scope, { roleKey: role.key, districtId });
  const withConsensus = await checksByIds(db, [...new Set(rows.map((row) => row.check_id))]);
  const open = withConsensus.filter((check) => checkState(check, today) !== 'closed');
  // How far each open check has got, for this role and place: "in progress: k of n groups agreed".
  const agreement = await openCheckAgreement(db, scope, { checkIds: open.map((check) => check.id), roleKey: role.key, districtId, outcomeCount: role.outcomes.length });
  const progress = new Map(agreement.map((totals) => [totals.check_id, `${totals.groups_agreed} of ${totals.groups} ${totals.groups === 1 ? 'group' : 'groups'} agreed`]));
  const described = (check: ProgressCheck): ProgressCheck & GrowthCheck => ({ ...check, inProgress: progress.has(check.id), progress: progress.get(check.id) ?? '' });
  const checks = (query.open === '1' ? withConsensus : withConsensus.filter((check) => checkState(check, today) === 'closed')).map(described);
  const shownIds = new Set(checks.map((check) => check.id));
  return {
    map,
    role,
    checks,
    openChecks: open.map(described),
    points: growthPoints(
      rows.filter((row) => shownIds.has(row.check_id)),
      map.levels.length,
    ),
  };
}

/** The chart's data: per check (in time order) and outcome (by code), the groups at each level and the median. */
export async function growthCsv(sources: ReportSources, scope: AccessScope, query: GrowthQuery, today: string): Promise<CsvFile> {
  const { map, role, checks, points } = await growthData(sources, scope, query, today);
  return {
    name: `icmap-growth-${role.key}`,
    fields: ['check', 'opens_on', 'status', 'outcome', ...map.levels.map((level) => `groups_at_level_${level.level}`), 'median'],
    rows: checks.flatMap((check) =>
      points
        .filter((point) => point.checkId === check.id)
        .sort((a, b) => a.outcomeCode.localeCompare(b.outcomeCode, 'en', { numeric: true }))
        .map((point) => [check.name, check.opens_on, check.inProgress ? `in progress: ${check.progress}` : 'closed', point.outcomeCode, ...point.counts, point.median]),
    ),
  };
}

export async function growthPage(sources: ReportSources, scope: AccessScope, query: GrowthQuery, today: string): Promise<GrowthPage> {
  const [{ map, role, checks, openChecks, points }, districts] = await Promise.all([growthData(sources, scope, query, today), listDistrictChoices(sources.db, scope)]);
  const filter = { role: role.key, district: query.district, open: query.open };
  // Districts side by side: each district's median in the latest check, and its change since the one before.
  // The latest closed check is the settled picture; an open check is still being agreed.
  const latest = checks.filter((check) => checkState(check, today) === 'closed').at(-1);
  const before = latest === undefined ? undefined : checks[checks.indexOf(latest) - 1];
  const compared = districts.filter((district) => district.archived_at === null);
  // A page of districts, their counts read for those districts only: the page's cost, not the network's.
  const sideBySide =
    query.district === undefined && compared.length > 1 && latest !== undefined
      ? await districtsSideBySide(sources.db, scope, {
          role,
          levelCount: map.levels.length,
          latestCheckId: latest.id,
          beforeCheckId: before?.id,
          districts: compared,
          page: query.page,
          perPage: DISTRICTS_PER_PAGE,
        })
      : undefined;
  // Page links keep the role and the open-check choice, and come back to the table.
  const pageHref = (page: number): string => reportPath('growth', { role: role.key, open: query.open, page }, 'districts-heading');
  const pointAt = new Map(points.map((point) => [`${point.checkId}|${point.outcomeCode}`, point]));
  return {
    title: `Growth: ${role.name}`,
    nav: 'reports',
    role: { key: role.key, name: role.name },
    roleOptions: roleOptions(map, role.key),
    districtOptions: districtOptions(districts, query.district),
    includeOpen: query.open === '1',
    checks: checks.map(({ id, name, inProgress, progress }) => ({ id, name, inProgress, progress })),
    openChecks: openChecks.map(({ id, name, inProgress, progress }) => ({ id, name, inProgress, progress })),
    medianTable: role.outcomes.map((outcome) => ({
      code: outcome.code,
      title: outcome.title,
      cells: checks.map((check) => {
        const point = pointAt.get(`${check.id}|${outcome.code}`);
        return point === undefined || point.median === null ? '—' : `${point.median} (${point.counts.reduce((sum, n) => sum + n, 0)})`;
      }),
    })),
    latest: latest === undefined ? undefined : { id: latest.id, name: latest.name },
    districtsTable:
      sideBySide === undefined
        ? undefined
        : {
            districts: sideBySide.districts,
            rows: sideBySide.rows.map((row) => ({
              code: row.outcome.code,
              title: row.outcome.title,
              cells: row.cells.map((cell) => (cell.median === null ? '—' : `${cell.median}${changeGlyph(cell.change)}`)),
            })),
            page: sideBySide.page,
            pages: sideBySide.pages,
            first: sideBySide.first,
            last: sideBySide.last,
            total: sideBySide.total,
            previousHref: sideBySide.page > 1 ? pageHref(sideBySide.page - 1) : undefined,
            nextHref: sideBySide.page < sideBySide.pages ? pageHref(sideBySide.page + 1) : undefined,
          },
    csvHref: reportPath('growth', { ...filter, format: 'csv' }),
    chart:
      checks.length === 0
        ? ''
        : growthChartSvg({
            id: 'growth',
            title: `${role.name}: agreed levels across progress checks`,
            description: `For each outcome, how many groups agreed each level in each check (dot size), and the median (line). Level 1 (Ideal) is at the top: growth points up.`,
            levelCount: map.levels.length,
            levelLabel: (level) => levelName(map, level),
            checks: checks.map((check) => ({ key: String(check.id), label: check.name, inProgress: check.inProgress, progress: check.progress })),
            outcomes: role.outcomes.map((outcome) => ({ code: outcome.code, title: outcome.title })),
            points: points.map((point) => ({ outcomeCode: point.outcomeCode, checkKey: String(point.checkId), counts: point.counts, median: point.median })),
          }),
  };
}
