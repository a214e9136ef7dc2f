/** Progress checks: the list, opening one (admins for the network, district leaders for their district), its progress, closing and reopening. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { groupRoleKeys } from '../access/group-roles.js';
import { hasOverview } from '../access/scope.js';
import { requireViewer, setFlash } from '../plugins/auth.js';
import { listDistricts } from '../repositories/organisation.js';
import { checkGroupProgress, listChecks } from '../repositories/progress-checks.js';
import { mayManageCheck, visibleCheck } from '../services/check-access.js';
import { ChangeRefusedError } from '../services/organisation.js';
import { checkState, closeCheck, openCheck, reopenCheck, todayUtc } from '../services/progress-checks.js';
import { idField, nameField } from './fields.js';
import { parseForm, type FormErrors } from './forms.js';

const idParams = z.object({ id: idField });
const GROUPS_PER_PAGE = 100;
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });
const dateField = (what: string) => z.iso.date({ message: `Enter the ${what} as a date (YYYY-MM-DD).` });

const newCheckForm = z
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
  .refine((form) => form.closes_on >= todayUtc(), { message: 'The closing date must not be in the past.', path: ['closes_on'] });

const reopenForm = z.object({ closes_on: dateField('new closing date') });

const checkRoutes: FastifyPluginAsyncZod = async (app) => {
  const roleName = (key: string): string => app.maps.list()[0]?.roles.find((role) => role.key === key)?.name ?? key;

  async function renderList(request: FastifyRequest, reply: FastifyReply, errors: FormErrors = {}, values: Record<string, unknown> = {}) {
    const viewer = requireViewer(request);
    const scope = viewer.scope;
    const [checks, districts] = await Promise.all([listChecks(app.db, scope), hasOverview(scope) ? listDistricts(app.db, scope) : []]);
    const places = [
      ...(scope.isNetworkAdmin ? [{ value: 'network', label: 'Every group in the network' }] : []),
      ...districts
        .filter((district) => district.archived_at === null && (scope.isNetworkAdmin || scope.ledDistrictIds.includes(district.id)))
        .map((district) => ({ value: `district-${district.id}`, label: `Every group in ${district.name}` })),
    ];
    const today = todayUtc();
    return reply.view('pages/checks/index', {
      title: 'Progress checks',
      nav: 'checks',
      checks: checks.map((check) => ({ ...check, state: checkState(check, today) })),
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
    const form = parseForm(newCheckForm, request.body);
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
    return reply.redirect(`/checks/${id}`, 303);
  });

  async function renderCheck(request: FastifyRequest, reply: FastifyReply, id: number, errors: FormErrors = {}, pageNumber = 1) {
    const viewer = requireViewer(request);
    const { check, visibleGroups: total } = await visibleCheck(app.db, viewer.scope, id);
    const groups = await checkGroupProgress(app.db, id, viewer.scope, { limit: GROUPS_PER_PAGE, offset: (pageNumber - 1) * GROUPS_PER_PAGE });
    const canManage = mayManageCheck(viewer.scope, check);
    const map = app.maps.find(check.map_id, check.map_version);
    return reply.view('pages/checks/show', {
      title: check.name,
      nav: 'checks',
      check,
      state: checkState(check),
      mapTitle: map?.title ?? check.map_id,
      groups: groups.map((group) => ({ ...group, roleName: roleName(group.role_key), isMine: viewer.scope.groupIds.includes(group.group_id) })),
      canManage,
      total,
      pageNumber,
      pages: Math.max(1, Math.ceil(total / GROUPS_PER_PAGE)),
      suggestedClosesOn: new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10),
      errors,
    });
  }

  app.get('/checks/:id', { schema: { params: idParams, querystring: pageQuery } }, async (request, reply) =>
    renderCheck(request, reply, request.params.id, {}, request.query.page),
  );

  app.post('/checks/:id/close', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const { check } = await visibleCheck(app.db, viewer.scope, request.params.id, 'manage');
    await closeCheck(app.db, viewer, check);
    setFlash(request, `"${check.name}" is closed. Answers are now read-only.`);
    return reply.redirect(`/checks/${check.id}`, 303);
  });

  app.post('/checks/:id/reopen', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const { check } = await visibleCheck(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(reopenForm, request.body);
    if (!form.ok) return renderCheck(request, reply.code(422), check.id, form.errors);
    try {
      await reopenCheck(app.db, viewer, check, form.data.closes_on);
    } catch (error) {
      if (!(error instanceof ChangeRefusedError)) throw error;
      return renderCheck(request, reply.code(422), check.id, { closes_on: error.message });
    }
    setFlash(request, `"${check.name}" is open again until ${form.data.closes_on}.`);
    return reply.redirect(`/checks/${check.id}`, 303);
  });
};

export default checkRoutes;
