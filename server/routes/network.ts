/** The network's structure: the overview, districts, sites and groups, with the admin's changes to each. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rolesAt, type PlaceKind } from '../access/group-roles.js';
import { requireAllowed } from '../access/guard.js';
import type { Action } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import { districtPage, groupPage, networkPage, sitePage, type FormState } from '../pages/network.js';
import { renderPage } from '../pages/render.js';
import { requireViewer, setFlash, type Viewer } from '../plugins/auth.js';
import { listMembers } from '../repositories/organisation.js';
import { findPersonByEmail } from '../repositories/people.js';
import {
  addDistrict,
  addGroup,
  addMembership,
  addNewMember,
  addSite,
  archiveThing,
  changeNetworkTimeZone,
  removeMembership,
  renameNetwork,
  renameThing,
} from '../services/organisation.js';
import { districtFor, groupFor, siteFor } from '../services/organisation-access.js';
import { districtPath, groupPath, networkPath, sitePath } from '../urls.js';
import { checkboxField, emailField, idField, nameField, timeZoneField } from './fields.js';
import { parseForm, type FormErrors } from './forms.js';

const idParams = z.object({ id: idField });
const memberParams = z.object({ id: idField, personId: idField });
const nameForm = z.object({ name: nameField('a name') });
const timeZoneForm = z.object({ time_zone: timeZoneField });
const archiveForm = z.object({ archived: z.enum(['true', 'false'], { message: 'Say whether to archive or restore.' }).transform((v) => v === 'true') });
const groupForm = (kind: PlaceKind) =>
  z.object({
    name: nameField('a name for the group'),
    role_key: z.enum(rolesAt(kind) as [string, ...string[]], { message: 'Choose the role whose map this group uses.' }),
  });
const memberForm = z.object({
  email: emailField,
  /** Filled in for someone not in ICMap yet: they are created and added at once. */
  name: z.string().trim().max(200, 'A name must be 200 characters or fewer.').optional().default(''),
  facilitator: checkboxField,
});
const facilitatorForm = z.object({ facilitator: checkboxField });

/** Where a new group sits: the network hub, a district, or a site (and its district). */
interface GroupPlace {
  kind: PlaceKind;
  districtId: number | null;
  siteId: number | null;
}

/** A district, site or group: each is renamed and archived the same way, and districts and sites take new groups. */
interface PlaceRoutes<T extends { id: number; name: string }> {
  kind: 'district' | 'site' | 'group';
  /** Its route, e.g. /districts/:id, and its address. */
  route: string;
  path: (id: number) => string;
  /** Loads it if the viewer may do `action` to it (404 or 403 otherwise). */
  load: (scope: AccessScope, id: number, action: Action) => Promise<T>;
  /** Its page again, with a refused form's errors and values. */
  page: (request: FastifyRequest, reply: FastifyReply, id: number, form?: FormState) => Promise<FastifyReply>;
  /** Where a group added here sits; none where groups are added elsewhere. */
  groupPlace?: (thing: T) => GroupPlace;
}

const networkRoutes: FastifyPluginAsyncZod = async (app) => {
  const sources = { db: app.db, maps: app.maps };

  /** The network page again, with a refused form's errors and values. */
  async function renderNetwork(request: FastifyRequest, reply: FastifyReply, form?: FormState) {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'view', { kind: 'network' });
    return renderPage(reply, 'pages/network/show', await networkPage(sources, viewer.scope, form));
  }

  app.get('/network', async (request, reply) => renderNetwork(request, reply));

  /**
   * One of the admin's forms on the network page: parsed, refused with the error beside its own field
   * (`errorField`) and the page shown again, or applied and followed to where `apply` says.
   */
  function networkChange<S extends z.ZodType>(change: {
    route: string;
    form: S;
    errorField: string;
    errorOf: (errors: FormErrors) => string | undefined;
    apply: (viewer: Viewer, data: z.output<S>) => Promise<{ flash: string; to: string }>;
  }): void {
    app.post(change.route, async (request, reply) => {
      const viewer = requireViewer(request);
      requireAllowed(viewer.scope, 'manage', { kind: 'network' });
      const form = parseForm(change.form, request.body);
      if (!form.ok) return renderNetwork(request, reply.code(422), { errors: { [change.errorField]: change.errorOf(form.errors) ?? '' }, values: form.values });
      const { flash, to } = await change.apply(viewer, form.data);
      setFlash(request, flash);
      return reply.redirect(to, 303);
    });
  }

  networkChange({
    route: '/network',
    form: nameForm,
    errorField: 'network_name',
    errorOf: (errors) => errors.name,
    apply: async (viewer, { name }) => {
      await renameNetwork(app.db, viewer.id, name);
      return { flash: `The network is now called ${name}.`, to: networkPath() };
    },
  });

  networkChange({
    route: '/network/time-zone',
    form: timeZoneForm,
    errorField: 'time_zone',
    errorOf: (errors) => errors.time_zone,
    apply: async (viewer, { time_zone: timeZone }) => {
      await changeNetworkTimeZone(app.db, viewer.id, timeZone);
      return { flash: `Dates and times now show in ${timeZone}, and checks close at the end of their closing day there.`, to: networkPath() };
    },
  });

  networkChange({
    route: '/network/districts',
    form: nameForm,
    errorField: 'district_name',
    errorOf: (errors) => errors.name,
    apply: async (viewer, { name }) => {
      const id = await addDistrict(app.db, viewer.id, name);
      return { flash: `District ${name} created.`, to: districtPath(id) };
    },
  });

  networkChange({
    route: '/network/groups',
    form: groupForm('network'),
    errorField: 'group_name',
    errorOf: (errors) => errors.name ?? errors.role_key,
    apply: async (viewer, { name, role_key: roleKey }) => {
      const id = await addGroup(app.db, viewer.id, { name, roleKey, districtId: null, siteId: null });
      return { flash: `Group ${name} created.`, to: groupPath(id) };
    },
  });

  /** Rename, archive or restore, and (where groups live) add a group: the same three forms on each place's page. */
  function placeRoutes<T extends { id: number; name: string }>(place: PlaceRoutes<T>): void {
    app.get(place.route, { schema: { params: idParams } }, async (request, reply) => place.page(request, reply, request.params.id));

    app.post(place.route, { schema: { params: idParams } }, async (request, reply) => {
      const viewer = requireViewer(request);
      const thing = await place.load(viewer.scope, request.params.id, 'manage');
      const form = parseForm(nameForm, request.body);
      if (!form.ok) return place.page(request, reply.code(422), thing.id, { errors: { rename: form.errors.name ?? '' }, values: form.values });
      await renameThing(app.db, viewer.id, place.kind, thing.id, form.data.name);
      setFlash(request, `Renamed to ${form.data.name}.`);
      return reply.redirect(place.path(thing.id), 303);
    });

    app.post(`${place.route}/archive`, { schema: { params: idParams } }, async (request, reply) => {
      const viewer = requireViewer(request);
      const thing = await place.load(viewer.scope, request.params.id, 'manage');
      const form = parseForm(archiveForm, request.body);
      if (!form.ok) return place.page(request, reply.code(422), thing.id, { errors: form.errors, values: form.values });
      await archiveThing(app.db, viewer.id, place.kind, thing.id, form.data.archived);
      setFlash(request, form.data.archived ? `${thing.name} is archived. Its history is kept.` : `${thing.name} is active again.`);
      return reply.redirect(place.path(thing.id), 303);
    });

    const groupPlace = place.groupPlace;
    if (groupPlace === undefined) return;
    app.post(`${place.route}/groups`, { schema: { params: idParams } }, async (request, reply) => {
      const viewer = requireViewer(request);
      const thing = await place.load(viewer.scope, request.params.id, 'manage');
      const where = groupPlace(thing);
      const form = parseForm(groupForm(where.kind), request.body);
      if (!form.ok) return place.page(request, reply.code(422), thing.id, { errors: { group_name: form.errors.name ?? form.errors.role_key ?? '' }, values: form.values });
      const id = await addGroup(app.db, viewer.id, { name: form.data.name, roleKey: form.data.role_key, districtId: where.districtId, siteId: where.siteId });
      setFlash(request, `Group ${form.data.name} created.`);
      return reply.redirect(groupPath(id), 303);
    });
  }

  const page =
    <M extends object>(build: (scope: AccessScope, id: number, form?: FormState) => Promise<M>, render: (reply: FastifyReply, model: M) => FastifyReply) =>
    async (request: FastifyRequest, reply: FastifyReply, id: number, form?: FormState) =>
      render(reply, await build(requireViewer(request).scope, id, form));

  const renderDistrict = page((scope, id, form?: FormState) => districtPage(sources, scope, id, form), (reply, model) => renderPage(reply, 'pages/network/district', model));
  placeRoutes({
    kind: 'district',
    route: '/districts/:id',
    path: (id) => districtPath(id),
    load: (scope, id, action) => districtFor(app.db, scope, id, action),
    page: renderDistrict,
    groupPlace: (district) => ({ kind: 'district', districtId: district.id, siteId: null }),
  });

  app.post('/districts/:id/sites', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const district = await districtFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(nameForm, request.body);
    if (!form.ok) return renderDistrict(request, reply.code(422), district.id, { errors: { site_name: form.errors.name ?? '' }, values: form.values });
    const id = await addSite(app.db, viewer.id, district.id, form.data.name);
    setFlash(request, `Site ${form.data.name} created.`);
    return reply.redirect(sitePath(id), 303);
  });

  placeRoutes({
    kind: 'site',
    route: '/sites/:id',
    path: (id) => sitePath(id),
    load: (scope, id, action) => siteFor(app.db, scope, id, action),
    page: page((scope, id, form) => sitePage(sources, scope, id, form), (reply, model) => renderPage(reply, 'pages/network/site', model)),
    groupPlace: (site) => ({ kind: 'site', districtId: site.district_id, siteId: site.id }),
  });

  const renderGroup = page((scope, id, form?: FormState) => groupPage(sources, scope, id, form), (reply, model) => renderPage(reply, 'pages/network/group', model));
  placeRoutes({
    kind: 'group',
    route: '/groups/:id',
    path: (id) => groupPath(id),
    load: (scope, id, action) => groupFor(app.db, scope, id, action),
    page: renderGroup,
  });

  // ---- a group's members ----

  app.post('/groups/:id/members', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const group = await groupFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(memberForm, request.body);
    if (!form.ok) {
      const errors: FormErrors = form.errors.name === undefined ? { member_email: form.errors.email ?? form.errors.facilitator ?? '' } : { member_name: form.errors.name };
      return renderGroup(request, reply.code(422), group.id, { errors, values: form.values });
    }
    const person = await findPersonByEmail(app.db, form.data.email);
    if (person === undefined) {
      if (form.data.name === '') {
        const error = `No one has the email address ${form.data.email} yet. Enter their name to add them to ICMap and to this group.`;
        return renderGroup(request, reply.code(422), group.id, { errors: { member_name: error }, values: { email: form.data.email } });
      }
      await addNewMember(app.db, viewer.id, group.id, { name: form.data.name, email: form.data.email }, form.data.facilitator);
      setFlash(request, `${form.data.name} is new in ICMap and in ${group.name}${form.data.facilitator ? ' as a facilitator' : ''}. Hand them an invitation so they can sign in.`);
      return reply.redirect(groupPath(group.id), 303);
    }
    await addMembership(app.db, viewer.id, group.id, person.id, form.data.facilitator);
    setFlash(request, `${person.name} is in ${group.name}${form.data.facilitator ? ' as a facilitator' : ''}.`);
    return reply.redirect(groupPath(group.id), 303);
  });

  app.post('/groups/:id/members/:personId/remove', { schema: { params: memberParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const group = await groupFor(app.db, viewer.scope, request.params.id, 'manage');
    await removeMembership(app.db, viewer.id, group.id, request.params.personId);
    setFlash(request, 'Removed from the group.');
    return reply.redirect(groupPath(group.id), 303);
  });

  app.post('/groups/:id/members/:personId/facilitator', { schema: { params: memberParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const group = await groupFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(facilitatorForm, request.body);
    if (!form.ok) return renderGroup(request, reply.code(422), group.id, { errors: form.errors, values: form.values });
    const members = await listMembers(app.db, group.id);
    const member = members.find((candidate) => candidate.person_id === request.params.personId);
    if (member === undefined) {
      return renderGroup(request, reply.code(422), group.id, { errors: { form: 'That person is not in this group.' }, values: {} });
    }
    await addMembership(app.db, viewer.id, group.id, member.person_id, form.data.facilitator);
    setFlash(request, `${member.name} ${form.data.facilitator ? 'now facilitates' : 'no longer facilitates'} ${group.name}.`);
    return reply.redirect(groupPath(group.id), 303);
  });
};

export default networkRoutes;
