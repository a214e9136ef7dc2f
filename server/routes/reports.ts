/** Reports: a team's consensus heatmap and findings, the site comparison and role growth, each with its table and CSV. */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { groupRoleKeys } from '../access/group-roles.js';
import { requireAllowed } from '../access/guard.js';
import { consensusHeatmapSvg } from '../charts/consensus-heatmap.js';
import { growthChartSvg } from '../charts/growth-chart.js';
import { siteHeatmapSvg } from '../charts/site-heatmap.js';
import { NotFoundError } from '../errors.js';
import { levelName, outcomesByPrinciple } from '../maps/catalog.js';
import type { IcMap } from '../maps/schema.js';
import { requireViewer, type Viewer } from '../plugins/auth.js';
import { consensusForGroup } from '../repositories/consensus.js';
import { listDistrictChoices, listDistricts } from '../repositories/organisation.js';
import { listChecks } from '../repositories/progress-checks.js';
import { checksByIds, countIndividualGroups, latestCheckWithConsensus, openCheckAgreement, previousConsensus, roleLevelCounts, siteComparison } from '../repositories/reports.js';
import { submittedPlacements } from '../repositories/self-assessments.js';
import { checkGroupFor, visibleCheck } from '../services/check-access.js';
import { consensusAccessFor } from '../services/consensus.js';
import { whatTheTeamDid } from '../services/action-plans.js';
import { actionCountsByGroup } from '../repositories/action-plans.js';
import { checkState } from '../services/progress-checks.js';
import { safeCsv } from '../services/csv.js';
import { DISTRICTS_PER_PAGE, districtsSideBySide, growthPoints, memberColumns, siteComparisonPage, siteRows, sortSites, teamFindings } from '../services/reports.js';
import { fullExport } from '../services/export.js';
import { sendCsv } from './csv.js';
import { dayIn } from '../services/network-time.js';
import { idField } from './fields.js';
import { reportPath, withQuery } from '../urls.js';

const params = z.object({ id: idField, groupId: idField });
const formatQuery = z.object({ format: z.enum(['csv'], { message: 'format can only be csv' }).optional() });
const SITES_PER_PAGE = 50;
const roleField = z.enum(groupRoleKeys as [string, ...string[]], { message: 'Choose a role from the list.' });
/** A select left at "All" sends an empty value: that means no filter. */
const optionalId = z.preprocess((value) => (value === '' ? undefined : value), idField.optional());
const siteQuery = formatQuery.extend({
  check: optionalId,
  role: roleField.default('improvement-team'),
  district: optionalId,
  sort: z.string().regex(/^(overall|\d+)$/, 'Sort by overall or by a principle number.').default('overall'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
const growthQuery = formatQuery.extend({
  role: roleField.default('improvement-team'),
  district: optionalId,
  /** Open checks are left out unless asked for: their consensus is still being agreed. */
  open: z.enum(['1'], { message: 'open can only be 1' }).optional(),
  /** The page of districts side by side. */
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  const roleOf = (map: IcMap, key: string) => {
    const role = map.roles.find((candidate) => candidate.key === key);
    if (role === undefined) throw new NotFoundError(`The map has no role "${key}".`);
    return role;
  };

  function requireOverview(request: FastifyRequest): Viewer {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'view', { kind: 'overview', of: 'reports' });
    return viewer;
  }

  // ---- one team ----

  app.get('/checks/:id/groups/:groupId/report', { schema: { params, querystring: formatQuery } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await checkGroupFor(app.db, app.maps, viewer.scope, request.params.id, request.params.groupId);
    const { check, group, map, role } = context;
    const { access, submitted } = await consensusAccessFor(app.db, viewer.scope, context, app.config.minGroupSize);
    const [records, previous, placements, teamDid] = await Promise.all([
      access.showRecords ? consensusForGroup(app.db, check.id, group.id) : [],
      access.showRecords ? previousConsensus(app.db, group.id, check.opens_on) : new Map<string, number>(),
      access.showSpread ? submittedPlacements(app.db, check.id, group.id, access.showNames) : [],
      whatTheTeamDid(app.db, group.id, check.opens_on, viewer.id),
    ]);
    // Members appear as letters ordered by their placements (never by who submitted when), or by name in named view.
    const members = memberColumns(
      placements,
      role.outcomes.map((outcome) => outcome.code),
      map.levels.length,
      access.showNames,
    );
    const columns = [...members.columns, { key: 'consensus', label: access.individual ? 'Self-assessment' : 'Consensus', kind: 'consensus' as const }];
    const cells = [
      ...members.cells,
      ...records.map((record) => ({ outcomeCode: record.outcome_code, columnKey: 'consensus', level: record.level, dissent: record.dissent.trim() !== '' })),
    ];
    if (request.query.format === 'csv') {
      return sendCsv(
        reply,
        `icmap-team-${group.id}-check-${check.id}`,
        safeCsv(
          ['outcome', 'outcome_title', 'column', 'level', 'dissent'],
          cells.map((cell) => [
            cell.outcomeCode,
            role.outcomes.find((outcome) => outcome.code === cell.outcomeCode)?.title ?? '',
            columns.find((column) => column.key === cell.columnKey)?.label ?? '',
            cell.level ?? 'not sure',
            'dissent' in cell && cell.dissent ? 'yes' : '',
          ]),
        ),
      );
    }
    const sections = outcomesByPrinciple(map, role);
    const recordByCode = new Map(records.map((record) => [record.outcome_code, record]));
    return reply.view('pages/reports/team', {
      title: `Report: ${group.name} — ${check.name}`,
      nav: 'reports',
      context,
      access,
      submitted,
      open: checkState(check, dayIn(request.timeZone)) === 'open',
      findings: teamFindings(role, records, previous),
      teamDid,
      sections,
      // The whole conversation, outcome by outcome: agreed level, rationale, dissent and next step.
      conversation: sections.map((section) => ({
        principle: section.principle,
        outcomes: section.outcomes.map((outcome) => ({ outcome, record: recordByCode.get(outcome.code) })),
      })),
      columns,
      cells,
      chart: consensusHeatmapSvg({
        id: 'team-heatmap',
        title: `${group.name}: placements and consensus, ${check.name}`,
        description: `Rows are the ${role.outcomes.length} outcomes grouped by principle; columns are ${access.showSpread ? 'members' : 'no members (their placements are not shown here)'} and the consensus. Darker is closer to Level 1 (Ideal).`,
        levelCount: map.levels.length,
        levelLabel: (level) => levelName(map, level),
        principles: sections.map((section) => ({ code: section.principle.code, title: section.principle.title, outcomes: section.outcomes.map((o) => ({ code: o.code, title: o.title })) })),
        columns,
        cells,
      }),
    });
  });

  // ---- site comparison ----

  app.get('/reports/sites', { schema: { querystring: siteQuery } }, async (request, reply) => {
    const viewer = requireOverview(request);
    const query = request.query;
    const map = app.maps.primary();
    const role = roleOf(map, query.role);
    const [checks, districts] = await Promise.all([listChecks(app.db, viewer.scope), listDistricts(app.db, viewer.scope)]);
    // By default the newest check with any consensus: an open check with nothing agreed yet shows nothing.
    const checkId = query.check ?? (await latestCheckWithConsensus(app.db, viewer.scope, role.key, checks.map((c) => c.id))) ?? checks[0]?.id;
    const check = checkId === undefined ? undefined : (await visibleCheck(app.db, viewer.scope, checkId)).check;
    const principle = query.sort === 'overall' ? null : query.sort;
    const siteFilter = check === undefined ? undefined : { checkId: check.id, roleKey: role.key, districtId: query.district ?? null, minGroupSize: app.config.minGroupSize };
    if (query.format === 'csv') {
      // The export lists every site in full; the page below reads only the sites it shows.
      const sites = sortSites(siteRows(siteFilter === undefined ? [] : await siteComparison(app.db, viewer.scope, siteFilter)), map, principle);
      return sendCsv(
        reply,
        `icmap-site-comparison-${check?.id ?? 'none'}-${role.key}`,
        safeCsv(
          ['site', 'district', 'outcome', 'level', 'dissent', 'change_since_previous_check'],
          sites.flatMap((site) =>
            role.outcomes.map((outcome) => {
              const cell = site.cells.get(outcome.code);
              return cell === undefined
                ? [site.label, site.place, outcome.code, 'not yet agreed', '', '']
                : [site.label, site.place, outcome.code, cell.level, cell.dissent ? 'yes' : '', cell.change ?? ''];
            }),
          ),
        ),
      );
    }
    const outcomeCount = role.outcomes.length;
    const [{ sites: shown, total, agreed }, individualGroups] =
      siteFilter === undefined
        ? [{ sites: [], total: 0, agreed: { all: 0, some: 0, none: 0 } }, 0]
        : await Promise.all([
            siteComparisonPage(app.db, viewer.scope, { ...siteFilter, principle }, { page: query.page, perPage: SITES_PER_PAGE, outcomeCount }),
            app.config.minGroupSize > 1 ? countIndividualGroups(app.db, viewer.scope, siteFilter) : 0,
          ]);
    const pages = Math.max(1, Math.ceil(total / SITES_PER_PAGE));
    const sections = outcomesByPrinciple(map, role);
    const principles = sections.map((section) => ({ code: section.principle.code, title: section.principle.title, outcomes: section.outcomes.map((o) => ({ code: o.code, title: o.title })) }));
    const today = dayIn(request.timeZone);
    const actionCounts = await actionCountsByGroup(app.db, viewer.scope, shown.map((site) => site.groupId), today);
    const filter = new URLSearchParams({ ...(check === undefined ? {} : { check: String(check.id) }), role: role.key, ...(query.district === undefined ? {} : { district: String(query.district) }), sort: query.sort });
    return reply.view('pages/reports/sites', {
      title: 'Site comparison',
      nav: 'reports',
      query,
      check,
      checks,
      districts,
      role,
      roles: groupRoleKeys.map((key) => ({ key, name: roleOf(map, key).name })),
      principles,
      sites: shown,
      followThrough: shown.map((site) => ({ groupId: site.groupId, label: site.label, counts: actionCounts.find((row) => row.group_id === site.groupId) ?? { done: 0, overdue: 0, total: 0 } })),
      total,
      agreed,
      outcomeCount,
      state: check === undefined ? undefined : checkState(check, today),
      individualGroups,
      minGroupSize: app.config.minGroupSize,
      pages,
      filter: filter.toString(),
      levelName: (level: number) => levelName(map, level),
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
              rows: shown.map((site) => ({ key: String(site.groupId), label: site.label, fullLabel: site.fullLabel, href: check === undefined ? undefined : `/checks/${check.id}/groups/${site.groupId}/report` })),
              cells: shown.flatMap((site) => [...site.cells].map(([code, cell]) => ({ rowKey: String(site.groupId), outcomeCode: code, level: cell.level, dissent: cell.dissent, change: cell.change }))),
            }),
    });
  });

  // ---- growth ----

  app.get('/reports/growth', { schema: { querystring: growthQuery } }, async (request, reply) => {
    const viewer = requireOverview(request);
    const query = request.query;
    const map = app.maps.primary();
    const role = roleOf(map, query.role);
    const [rows, districts] = await Promise.all([
      roleLevelCounts(app.db, viewer.scope, { roleKey: role.key, districtId: query.district ?? null }),
      listDistrictChoices(app.db, viewer.scope),
    ]);
    const withConsensus = await checksByIds(app.db, [...new Set(rows.map((row) => row.check_id))]);
    const today = dayIn(request.timeZone);
    const openChecks = withConsensus.filter((check) => checkState(check, today) !== 'closed');
    const checks = query.open === '1' ? withConsensus : withConsensus.filter((check) => checkState(check, today) === 'closed');
    const shownIds = new Set(checks.map((check) => check.id));
    const points = growthPoints(
      rows.filter((row) => shownIds.has(row.check_id)),
      map.levels.length,
    );
    // How far each open check has got, for this role and place: "in progress: k of n groups agreed".
    const agreement = await openCheckAgreement(app.db, viewer.scope, {
      checkIds: openChecks.map((check) => check.id),
      roleKey: role.key,
      districtId: query.district ?? null,
      outcomeCount: role.outcomes.length,
    });
    const progress = new Map(agreement.map((totals) => [totals.check_id, totals]));
    const progressText = (id: number): string => {
      const totals = progress.get(id);
      return totals === undefined ? '' : `${totals.groups_agreed} of ${totals.groups} ${totals.groups === 1 ? 'group' : 'groups'} agreed`;
    };
    if (query.format === 'csv') {
      const checkName = new Map(checks.map((check) => [check.id, check.name]));
      return sendCsv(
        reply,
        `icmap-growth-${role.key}`,
        safeCsv(
          ['check', 'opens_on', 'status', 'outcome', ...map.levels.map((level) => `groups_at_level_${level.level}`), 'median'],
          checks.flatMap((check) =>
            points
              .filter((point) => point.checkId === check.id)
              .sort((a, b) => a.outcomeCode.localeCompare(b.outcomeCode, 'en', { numeric: true }))
              .map((point) => [
                checkName.get(point.checkId) ?? '',
                check.opens_on,
                progress.has(check.id) ? `in progress: ${progressText(check.id)}` : 'closed',
                point.outcomeCode,
                ...point.counts,
                point.median,
              ]),
          ),
        ),
      );
    }
    // Districts side by side: each district's median in the latest check, and its change since the one before.
    // The latest closed check is the settled picture; an open check is still being agreed.
    const latest = checks.filter((check) => checkState(check, today) === 'closed').at(-1);
    const before = latest === undefined ? undefined : checks[checks.indexOf(latest) - 1];
    const visibleDistricts = districts.filter((district) => district.archived_at === null);
    const showSideBySide = query.district === undefined && visibleDistricts.length > 1 && latest !== undefined;
    // A page of districts, its counts read for those districts only: the cost is the page's, not the network's.
    const sideBySide = showSideBySide
      ? await districtsSideBySide(app.db, viewer.scope, {
          role,
          levelCount: map.levels.length,
          latestCheckId: latest.id,
          beforeCheckId: before?.id,
          districts: visibleDistricts,
          page: query.page,
          perPage: DISTRICTS_PER_PAGE,
        })
      : undefined;
    return reply.view('pages/reports/growth', {
      title: `Growth: ${role.name}`,
      nav: 'reports',
      query,
      role,
      roles: groupRoleKeys.map((key) => ({ key, name: roleOf(map, key).name })),
      districts,
      checks: checks.map((check) => ({ ...check, inProgress: progress.has(check.id), progress: progressText(check.id) })),
      openChecks: openChecks.map((check) => ({ ...check, progress: progressText(check.id) })),
      points,
      sideBySide,
      latest,
      // Page links keep the role and the open-check choice, and come back to the table.
      sideBySideHref: (page: number) => `${withQuery(reportPath('growth'), { role: role.key, open: query.open, page })}#districts-heading`,
      csvHref: `/reports/growth?${new URLSearchParams({ role: role.key, ...(query.district === undefined ? {} : { district: String(query.district) }), ...(query.open === '1' ? { open: '1' } : {}), format: 'csv' }).toString()}`,
      chart:
        checks.length === 0
          ? ''
          : growthChartSvg({
              id: 'growth',
              title: `${role.name}: agreed levels across progress checks`,
              description: `For each outcome, how many groups agreed each level in each check (dot size), and the median (line). Level 1 (Ideal) is at the top: growth points up.`,
              levelCount: map.levels.length,
              levelLabel: (level) => levelName(map, level),
              checks: checks.map((check) => ({ key: String(check.id), label: check.name, inProgress: progress.has(check.id), progress: progressText(check.id) })),
              outcomes: role.outcomes.map((outcome) => ({ code: outcome.code, title: outcome.title })),
              points: points.map((point) => ({ outcomeCode: point.outcomeCode, checkKey: String(point.checkId), counts: point.counts, median: point.median })),
            }),
    });
  });
};

export default reportRoutes;

/** GET /admin/export.csv: every check's placements (numbered, never named, only where privacy allows) and consensus. */
export const exportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/admin/export.csv', async (request, reply) => {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'export', { kind: 'administration' });
    const stream = fullExport(app.db, app.config);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="icmap-export.csv"')
      .header('cache-control', 'no-store')
      .send(stream);
  });
};
