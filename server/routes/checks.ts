/** Progress checks: the list, opening one (admins for the network, district leaders for their district), who has done what, dates, closing and reopening. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { groupRoleKeys } from '../access/group-roles.js';
import { requireAllowed } from '../access/guard.js';
import { may } from '../access/policy.js';
import { groupProgressRow, listedCheck, shownCheck, shownTotals } from '../pages/checks.js';
import { renderPage } from '../pages/render.js';
import { requireViewer, setFlash } from '../plugins/auth.js';
import { listDistricts, listSites } from '../repositories/organisation.js';
import { checkGroupProgress, checkProgressTotals, listChecks, notYetSubmitted, type CheckGroupProgress, type ProgressFilter } from '../repositories/progress-checks.js';
import { checkSubject, mayManageCheck, visibleCheck } from '../services/check-access.js';
import { ChangeRefusedError } from '../errors.js';
import { changeCheckDates, checkState, closeCheck, openCheck, reopenCheck } from '../services/progress-checks.js';
import { safeCsv } from '../services/csv.js';
import { sendCsv } from './csv.js';
import { addDaysTo } from '../services/action-plans.js';
import { dayIn } from '../services/network-time.js';
import { idField, nameField, pageField } from './fields.js';
import { parseForm, type FormErrors } from './forms.js';
import { checkPath } from '../urls.js';

const idParams = z.object({ id: idField });
const GROUPS_PER_PAGE = 100;
const dateField = (what: string) => z.iso.date({ message: `Enter the ${what} as a date (YYYY-MM-DD).` });

/** The form, checked against today in the network's time zone. */
const newCheckForm = (today: string) => z
  .object({
    name: nameField('a name, such as "2026-27 Beginning of year"'),
    map_id: z.string({ message: 'Choose a map.' }).min(1, 'Choose a map.').max(100),
    opens_on: dateField('opening date'),
    closes_on: dateField('closing date'),
    place: z.string({ message: 'Choose who takes part.' }).regex(/^(network|district-\d+)$/, 'Choose who takes part.'),
    role_keys: z
      .union([z.string(), z.array(z.string())], { message: 'Choose at least one role.' })
      .transform((value) => (Array.isArray(value) ? value : [value]))
      .pipe(z.array(z.enum(groupRoleKeys as [string, ...string[]], { message: 'Choose roles from the list.' })).min(1, 'Choose at least one role.')),
  })
  .refine((form) => form.opens_on <= form.closes_on, { message: 'The closing date must not be before the opening date.', path: ['closes_on'] })
  .refine((form) => form.closes_on >= today, { message: 'The closing date must not be in the past.', path: ['closes_on'] });

const reopenForm = z.object({ closes_on: dateField('new closing date') });
const datesForm = z.object({ opens_on: dateField('opening date'), closes_on: dateField('closing date') });
const closeForm = z.object({ confirm: z.literal('yes', { message: 'Tick the box to confirm that you want to close the check now.' }) });
const optionalId = z.preprocess((value) => (value === '' ? undefined : value), idField.optional());

const progressStatuses = ['waiting', 'submitted', 'hidden', 'revealed', 'agreeing', 'agreed'] as const;
const progressStatusLabels: { value: (typeof progressStatuses)[number]; label: string }[] = [
  { value: 'waiting', label: 'Waiting for submissions' },
  { value: 'submitted', label: 'Everyone submitted' },
  { value: 'hidden', label: 'Placements not revealed' },
  { value: 'revealed', label: 'Placements revealed' },
  { value: 'agreeing', label: 'Revealed, consensus not complete' },
  { value: 'agreed', label: 'Every outcome agreed' },
];

/** Where a group has got to, in words: the step it is on. */
export function progressStage(group: Pick<CheckGroupProgress, 'member_count' | 'submitted_count' | 'revealed_at' | 'agreed_count'>, outcomeCount: number): string {
  if (group.agreed_count >= outcomeCount) return 'Consensus recorded';
  if (group.revealed_at !== null) return group.agreed_count === 0 ? 'Revealed, no outcome agreed yet' : 'Agreeing';
  if (group.member_count > 0 && group.submitted_count >= group.member_count) return 'Ready to reveal';
  return group.submitted_count === 0 ? 'No submissions yet' : 'Waiting for submissions';
}

const checkRoutes: FastifyPluginAsyncZod = async (app) => {
  const roleName = (key: string): string => app.maps.roleName(key);

  async function renderList(request: FastifyRequest, reply: FastifyReply, errors: FormErrors = {}, values: Record<string, unknown> = {}) {
    const viewer = requireViewer(request);
    const scope = viewer.scope;
    const [checks, districts] = await Promise.all([listChecks(app.db, scope), may(scope, 'view', { kind: 'network' }) ? listDistricts(app.db, scope) : []]);
    const mayOpenFor = (districtId: number | null): boolean => may(scope, 'manage', { kind: 'check', id: null, districtId });
    const places = [
      ...(mayOpenFor(null) ? [{ value: 'network', label: 'Every group in the network' }] : []),
      ...districts
        .filter((district) => district.archived_at === null && mayOpenFor(district.id))
        .map((district) => ({ value: `district-${district.id}`, label: `Every group in ${district.name}` })),
    ];
    const today = dayIn(request.timeZone);
    return renderPage(reply, 'pages/checks/index', {
      title: 'Progress checks',
      nav: 'checks',
      checks: checks.map((check) => listedCheck(check, checkState(check, today))),
      canOpen: places.length > 0,
      places,
      maps: app.maps.list(),
      roles: groupRoleKeys.map((key) => ({ key, name: roleName(key) })),
      today,
      errors,
      values,
    });
  }

  app.get('/checks', async (request, reply) => renderList(request, reply));

  app.post('/checks', async (request, reply) => {
    const viewer = requireViewer(request);
    const form = parseForm(newCheckForm(dayIn(request.timeZone)), request.body);
    if (!form.ok) return renderList(request, reply.code(422), form.errors, { ...form.values, role_keys: (request.body as { role_keys?: unknown } | undefined)?.role_keys });
    let id: number;
    try {
      id = await openCheck(app.db, app.maps, viewer, {
        name: form.data.name,
        mapId: form.data.map_id,
        opensOn: form.data.opens_on,
        closesOn: form.data.closes_on,
        districtId: form.data.place === 'network' ? null : Number(form.data.place.slice('district-'.length)),
        roleKeys: form.data.role_keys,
      });
    } catch (error) {
      if (!(error instanceof ChangeRefusedError)) throw error;
      return renderList(request, reply.code(409), { place: error.message }, { ...form.data });
    }
    setFlash(request, `Progress check "${form.data.name}" opened.`);
    return reply.redirect(checkPath(id), 303);
  });

  const checkQuery = z.object({
    page: pageField(100_000).default(1),
    district: optionalId,
    site: optionalId,
    role: z.preprocess((value) => (value === '' ? undefined : value), z.enum(groupRoleKeys as [string, ...string[]], { message: 'Choose a role from the list.' }).optional()),
    status: z.preprocess((value) => (value === '' ? undefined : value), z.enum(progressStatuses, { message: 'Choose a status from the list.' }).optional()),
    sort: z.enum(['place', 'submitted', 'agreed'], { message: 'Sort by place, submitted or agreed.' }).default('place'),
    format: z.enum(['csv'], { message: 'format can only be csv' }).optional(),
  });
  type CheckQuery = z.output<typeof checkQuery>;

  async function loadProgress(request: FastifyRequest, id: number, query: CheckQuery) {
    const viewer = requireViewer(request);
    const { check, visibleGroups: visible } = await visibleCheck(app.db, viewer.scope, id);
    const map = app.maps.find(check.map_id, check.map_version);
    const outcomeCount = map?.roles[0]?.outcomes.length ?? 15;
    const filter: ProgressFilter = { outcomeCount, sort: query.sort };
    if (query.district !== undefined) filter.districtId = query.district;
    if (query.site !== undefined) filter.siteId = query.site;
    if (query.role !== undefined) filter.roleKey = query.role;
    if (query.status !== undefined) filter.status = query.status;
    const totals = await checkProgressTotals(app.db, id, viewer.scope, filter);
    const canManage = mayManageCheck(viewer.scope, check);
    return { viewer, check, map, outcomeCount, filter, visible, totals, canManage };
  }

  async function renderCheck(request: FastifyRequest, reply: FastifyReply, id: number, query: CheckQuery, errors: FormErrors = {}, values: Record<string, string> = {}) {
    const { viewer, check, map, outcomeCount, filter, visible, totals, canManage } = await loadProgress(request, id, query);
    const groups = await checkGroupProgress(app.db, id, viewer.scope, filter, { limit: GROUPS_PER_PAGE, offset: (query.page - 1) * GROUPS_PER_PAGE });
    const waiting = await notYetSubmitted(app.db, id, groups.filter((group) => group.submitted_count < group.member_count).map((group) => group.group_id));
    const [districts, sites] = await Promise.all([
      may(viewer.scope, 'view', { kind: 'network' }) ? listDistricts(app.db, viewer.scope) : [],
      query.district === undefined ? [] : listSites(app.db, viewer.scope, query.district),
    ]);
    const filterParams = new URLSearchParams();
    for (const key of ['district', 'site', 'role', 'status', 'sort'] as const) {
      const value = query[key];
      if (value !== undefined && !(key === 'sort' && value === 'place')) filterParams.set(key, String(value));
    }
    const today = dayIn(request.timeZone);
    const state = checkState(check, today);
    return renderPage(reply, 'pages/checks/show', {
      title: check.name,
      nav: 'checks',
      check: shownCheck(check),
      state,
      mapTitle: map?.title ?? check.map_id,
      outcomeCount,
      groups: groups.map((group) =>
        groupProgressRow(group, {
          roleName: roleName(group.role_key),
          isMine: may(viewer.scope, 'assess', { kind: 'self-assessment', groupId: group.group_id }),
          waitingFor: waiting.get(group.group_id) ?? [],
          stage: progressStage(group, outcomeCount),
        }),
      ),
      totals: shownTotals(totals),
      visible,
      canManage,
      query,
      districts,
      sites,
      roles: groupRoleKeys.map((key) => ({ key, name: roleName(key) })),
      statuses: progressStatusLabels,
      filtered: filterParams.size > 0 && !(filterParams.size === 1 && filterParams.has('sort')),
      filter: filterParams.toString(),
      pageNumber: query.page,
      pages: Math.max(1, Math.ceil(totals.groups / GROUPS_PER_PAGE)),
      suggestedClosesOn: addDaysTo(today, 14),
      errors,
      values,
    });
  }

  app.get('/checks/:id', { schema: { params: idParams, querystring: checkQuery } }, async (request, reply) => {
    const query = request.query;
    if (query.format !== 'csv') return renderCheck(request, reply, request.params.id, query);
    const { viewer, check, outcomeCount, filter } = await loadProgress(request, request.params.id, query);
    const groups = await checkGroupProgress(app.db, check.id, viewer.scope, filter);
    return sendCsv(
      reply,
      `icmap-check-${check.id}-progress`,
      safeCsv(
        ['district', 'site', 'group', 'role', 'members', 'submitted', 'not_submitted', 'revealed', 'outcomes_agreed', 'outcomes', 'stage'],
        groups.map((group) => [
          group.district_name,
          group.site_name,
          group.group_name,
          roleName(group.role_key),
          group.member_count,
          group.submitted_count,
          Math.max(0, group.member_count - group.submitted_count),
          group.revealed_at === null ? 'no' : 'yes',
          group.agreed_count,
          outcomeCount,
          progressStage(group, outcomeCount),
        ]),
      ),
    );
  });

  // Closing asks first: a page that says what closing does and how far the groups have got.
  app.get('/checks/:id/close', { schema: { params: idParams } }, async (request, reply) => renderCloseConfirmation(request, reply, request.params.id));

  async function renderCloseConfirmation(request: FastifyRequest, reply: FastifyReply, id: number, error?: string) {
    const { viewer, check, totals, visible, outcomeCount } = await loadProgress(request, id, { page: 1, sort: 'place' });
    requireAllowed(viewer.scope, 'manage', checkSubject(check, visible));
    return renderPage(reply, 'pages/checks/close', { title: `Close ${check.name}?`, nav: 'checks', check: { id: check.id, name: check.name, closesOn: check.closes_on }, state: checkState(check, dayIn(request.timeZone)), totals: shownTotals(totals), outcomeCount, errors: error === undefined ? {} : { confirm: error } });
  }

  /** A check the viewer may change: unseen answers 404 (as if absent), seen but not theirs 403. */
  async function checkToManage(request: FastifyRequest, id: number) {
    const viewer = requireViewer(request);
    const { check } = await visibleCheck(app.db, viewer.scope, id, 'manage');
    return { viewer, check };
  }


  app.post('/checks/:id/close', { schema: { params: idParams } }, async (request, reply) => {
    const { viewer, check } = await checkToManage(request, request.params.id);
    const form = parseForm(closeForm, request.body);
    if (!form.ok) return renderCloseConfirmation(request, reply.code(422), check.id, form.errors.confirm ?? 'Tick the box to confirm.');
    await closeCheck(app.db, viewer, check);
    setFlash(request, `"${check.name}" is closed. Answers are now read-only.`);
    return reply.redirect(checkPath(check.id), 303);
  });

  app.post('/checks/:id/dates', { schema: { params: idParams } }, async (request, reply) => {
    const { viewer, check } = await checkToManage(request, request.params.id);
    const form = parseForm(datesForm, request.body);
    const defaults: CheckQuery = { page: 1, sort: 'place' };
    if (!form.ok) return renderCheck(request, reply.code(422), check.id, defaults, form.errors, form.values);
    try {
      await changeCheckDates(app.db, viewer, check, { opensOn: form.data.opens_on, closesOn: form.data.closes_on });
    } catch (error) {
      if (!(error instanceof ChangeRefusedError)) throw error;
      return renderCheck(request, reply.code(422), check.id, defaults, { closes_on: error.message }, { opens_on: form.data.opens_on, closes_on: form.data.closes_on });
    }
    setFlash(request, `"${check.name}" now runs from ${form.data.opens_on} to ${form.data.closes_on}.`);
    return reply.redirect(checkPath(check.id), 303);
  });

  app.post('/checks/:id/reopen', { schema: { params: idParams } }, async (request, reply) => {
    const { viewer, check } = await checkToManage(request, request.params.id);
    const form = parseForm(reopenForm, request.body);
    if (!form.ok) return renderCheck(request, reply.code(422), check.id, { page: 1, sort: 'place' }, form.errors, form.values);
    try {
      await reopenCheck(app.db, viewer, check, form.data.closes_on, dayIn(request.timeZone));
    } catch (error) {
      if (!(error instanceof ChangeRefusedError)) throw error;
      return renderCheck(request, reply.code(422), check.id, { page: 1, sort: 'place' }, { closes_on: error.message });
    }
    setFlash(request, `"${check.name}" is open again until ${form.data.closes_on}.`);
    return reply.redirect(checkPath(check.id), 303);
  });
};

export default checkRoutes;
