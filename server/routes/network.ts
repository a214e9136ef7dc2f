/** The network's structure: the overview, districts, sites and groups, with the admin's changes to each. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rolesAt, type PlaceKind } from '../access/group-roles.js';
import { requireAllowed } from '../access/guard.js';
import { may } from '../access/policy.js';
import { requireViewer, setFlash } from '../plugins/auth.js';
import { listDistricts, listGroups, listLedSites, listMembers, listSites } from '../repositories/organisation.js';
import { findNetwork } from '../repositories/network.js';
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
import { findRole } from '../maps/catalog.js';
import { rolePath } from '../urls.js';
import { checkboxField, emailField, idField, nameField, timeZoneField } from './fields.js';
import { timeZoneChoices } from '../services/network-time.js';
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

const networkRoutes: FastifyPluginAsyncZod = async (app) => {
  // Groups use the network's current map; progress checks will pin a map version of their own.
  const roleName = (key: string): string => app.maps.roleName(key);
  const roleMapHref = (key: string): string | undefined => {
    const map = app.maps.primary();
    const role = findRole(map, key);
    return role === undefined ? undefined : rolePath(map, role);
  };
  const roleOptions = (kind: PlaceKind) => rolesAt(kind).map((key) => ({ key, name: roleName(key) }));

  // ---- the network overview ----

  async function renderNetwork(request: FastifyRequest, reply: FastifyReply, errors: FormErrors = {}, values: Record<string, string> = {}) {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'view', { kind: 'network' });
    const [network, districts, hubGroups, ledSites] = await Promise.all([
      findNetwork(app.db),
      listDistricts(app.db, viewer.scope),
      listGroups(app.db, viewer.scope, { network: true }),
      may(viewer.scope, 'oversee', { kind: 'network' }) ? [] : listLedSites(app.db, viewer.scope),
    ]);
    return reply.view('pages/network/show', {
      title: network?.name ?? 'Network',
      nav: 'network',
      network,
      districts,
      ledSites,
      hubGroups,
      canManage: may(viewer.scope, 'manage', { kind: 'network' }),
      timeZones: timeZoneChoices(),
      roleOptions: roleOptions('network'),
      roleName,
      errors,
      values,
    });
  }

  app.get('/network', async (request, reply) => renderNetwork(request, reply));

  app.post('/network', async (request, reply) => {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'manage', { kind: 'network' });
    const form = parseForm(nameForm, request.body);
    if (!form.ok) return renderNetwork(request, reply.code(422), { network_name: form.errors.name ?? '' }, form.values);
    await renameNetwork(app.db, viewer.id, form.data.name);
    setFlash(request, `The network is now called ${form.data.name}.`);
    return reply.redirect('/network', 303);
  });

  app.post('/network/time-zone', async (request, reply) => {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'manage', { kind: 'network' });
    const form = parseForm(timeZoneForm, request.body);
    if (!form.ok) return renderNetwork(request, reply.code(422), { time_zone: form.errors.time_zone ?? '' }, form.values);
    await changeNetworkTimeZone(app.db, viewer.id, form.data.time_zone);
    setFlash(request, `Dates and times now show in ${form.data.time_zone}, and checks close at the end of their closing day there.`);
    return reply.redirect('/network', 303);
  });

  app.post('/network/districts', async (request, reply) => {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'manage', { kind: 'network' });
    const form = parseForm(nameForm, request.body);
    if (!form.ok) return renderNetwork(request, reply.code(422), { district_name: form.errors.name ?? '' }, form.values);
    const id = await addDistrict(app.db, viewer.id, form.data.name);
    setFlash(request, `District ${form.data.name} created.`);
    return reply.redirect(`/districts/${id}`, 303);
  });

  app.post('/network/groups', async (request, reply) => {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'manage', { kind: 'network' });
    const form = parseForm(groupForm('network'), request.body);
    if (!form.ok) return renderNetwork(request, reply.code(422), { group_name: form.errors.name ?? form.errors.role_key ?? '' }, form.values);
    const id = await addGroup(app.db, viewer.id, { name: form.data.name, roleKey: form.data.role_key, districtId: null, siteId: null });
    setFlash(request, `Group ${form.data.name} created.`);
    return reply.redirect(`/groups/${id}`, 303);
  });

  // ---- districts ----

  async function renderDistrict(request: FastifyRequest, reply: FastifyReply, id: number, errors: FormErrors = {}, values: Record<string, string> = {}) {
    const viewer = requireViewer(request);
    const district = await districtFor(app.db, viewer.scope, id);
    const [sites, groups] = await Promise.all([
      listSites(app.db, viewer.scope, id),
      listGroups(app.db, viewer.scope, { districtId: id }),
    ]);
    return reply.view('pages/network/district', {
      title: district.name,
      nav: 'network',
      district,
      sites,
      groups,
      canManage: may(viewer.scope, 'manage', { kind: 'district', id }),
      roleOptions: roleOptions('district'),
      roleName,
      errors,
      values,
    });
  }

  app.get('/districts/:id', { schema: { params: idParams } }, async (request, reply) => renderDistrict(request, reply, request.params.id));

  app.post('/districts/:id', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    await districtFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(nameForm, request.body);
    if (!form.ok) return renderDistrict(request, reply.code(422), request.params.id, { rename: form.errors.name ?? '' }, form.values);
    await renameThing(app.db, viewer.id, 'district', request.params.id, form.data.name);
    setFlash(request, `Renamed to ${form.data.name}.`);
    return reply.redirect(`/districts/${request.params.id}`, 303);
  });

  app.post('/districts/:id/archive', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const district = await districtFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(archiveForm, request.body);
    if (!form.ok) return renderDistrict(request, reply.code(422), request.params.id, form.errors, form.values);
    await archiveThing(app.db, viewer.id, 'district', district.id, form.data.archived);
    setFlash(request, form.data.archived ? `${district.name} is archived. Its history is kept.` : `${district.name} is active again.`);
    return reply.redirect(`/districts/${district.id}`, 303);
  });

  app.post('/districts/:id/sites', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const district = await districtFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(nameForm, request.body);
    if (!form.ok) return renderDistrict(request, reply.code(422), district.id, { site_name: form.errors.name ?? '' }, form.values);
    const id = await addSite(app.db, viewer.id, district.id, form.data.name);
    setFlash(request, `Site ${form.data.name} created.`);
    return reply.redirect(`/sites/${id}`, 303);
  });

  app.post('/districts/:id/groups', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const district = await districtFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(groupForm('district'), request.body);
    if (!form.ok) return renderDistrict(request, reply.code(422), district.id, { group_name: form.errors.name ?? form.errors.role_key ?? '' }, form.values);
    const id = await addGroup(app.db, viewer.id, { name: form.data.name, roleKey: form.data.role_key, districtId: district.id, siteId: null });
    setFlash(request, `Group ${form.data.name} created.`);
    return reply.redirect(`/groups/${id}`, 303);
  });

  // ---- sites ----

  async function renderSite(request: FastifyRequest, reply: FastifyReply, id: number, errors: FormErrors = {}, values: Record<string, string> = {}) {
    const viewer = requireViewer(request);
    const site = await siteFor(app.db, viewer.scope, id);
    const groups = await listGroups(app.db, viewer.scope, { siteId: id });
    return reply.view('pages/network/site', {
      title: site.name,
      nav: 'network',
      site,
      groups,
      canSeeDistrict: may(viewer.scope, 'view', { kind: 'district', id: site.district_id }),
      canManage: may(viewer.scope, 'manage', { kind: 'site', id, districtId: site.district_id }),
      roleOptions: roleOptions('site'),
      roleName,
      errors,
      values,
    });
  }

  app.get('/sites/:id', { schema: { params: idParams } }, async (request, reply) => renderSite(request, reply, request.params.id));

  app.post('/sites/:id', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const site = await siteFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(nameForm, request.body);
    if (!form.ok) return renderSite(request, reply.code(422), site.id, { rename: form.errors.name ?? '' }, form.values);
    await renameThing(app.db, viewer.id, 'site', site.id, form.data.name);
    setFlash(request, `Renamed to ${form.data.name}.`);
    return reply.redirect(`/sites/${site.id}`, 303);
  });

  app.post('/sites/:id/archive', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const site = await siteFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(archiveForm, request.body);
    if (!form.ok) return renderSite(request, reply.code(422), site.id, form.errors, form.values);
    await archiveThing(app.db, viewer.id, 'site', site.id, form.data.archived);
    setFlash(request, form.data.archived ? `${site.name} is archived. Its history is kept.` : `${site.name} is active again.`);
    return reply.redirect(`/sites/${site.id}`, 303);
  });

  app.post('/sites/:id/groups', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const site = await siteFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(groupForm('site'), request.body);
    if (!form.ok) return renderSite(request, reply.code(422), site.id, { group_name: form.errors.name ?? form.errors.role_key ?? '' }, form.values);
    const id = await addGroup(app.db, viewer.id, { name: form.data.name, roleKey: form.data.role_key, districtId: site.district_id, siteId: site.id });
    setFlash(request, `Group ${form.data.name} created.`);
    return reply.redirect(`/groups/${id}`, 303);
  });

  // ---- groups ----

  async function renderGroup(request: FastifyRequest, reply: FastifyReply, id: number, errors: FormErrors = {}, values: Record<string, string> = {}) {
    const viewer = requireViewer(request);
    const group = await groupFor(app.db, viewer.scope, id);
    const members = await listMembers(app.db, id);
    return reply.view('pages/network/group', {
      title: group.name,
      nav: 'network',
      group,
      roleName: roleName(group.role_key),
      mapHref: roleMapHref(group.role_key),
      members,
      // Teammates see each other's names; email addresses are for leaders and admins.
      showEmails: may(viewer.scope, 'oversee', { kind: 'group', id, place: group.place }),
      canSeeSite:
        group.site_id !== null && group.place.districtId !== null && may(viewer.scope, 'view', { kind: 'site', id: group.site_id, districtId: group.place.districtId }),
      canSeeDistrict: group.place.districtId !== null && may(viewer.scope, 'view', { kind: 'district', id: group.place.districtId }),
      canManage: may(viewer.scope, 'manage', { kind: 'group', id, place: group.place }),
      errors,
      values,
    });
  }

  app.get('/groups/:id', { schema: { params: idParams } }, async (request, reply) => renderGroup(request, reply, request.params.id));

  app.post('/groups/:id', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const group = await groupFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(nameForm, request.body);
    if (!form.ok) return renderGroup(request, reply.code(422), group.id, { rename: form.errors.name ?? '' }, form.values);
    await renameThing(app.db, viewer.id, 'group', group.id, form.data.name);
    setFlash(request, `Renamed to ${form.data.name}.`);
    return reply.redirect(`/groups/${group.id}`, 303);
  });

  app.post('/groups/:id/archive', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const group = await groupFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(archiveForm, request.body);
    if (!form.ok) return renderGroup(request, reply.code(422), group.id, form.errors, form.values);
    await archiveThing(app.db, viewer.id, 'group', group.id, form.data.archived);
    setFlash(request, form.data.archived ? `${group.name} is archived. Its history is kept.` : `${group.name} is active again.`);
    return reply.redirect(`/groups/${group.id}`, 303);
  });

  app.post('/groups/:id/members', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const group = await groupFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(memberForm, request.body);
    if (!form.ok) {
      const errors: FormErrors = form.errors.name === undefined ? { member_email: form.errors.email ?? form.errors.facilitator ?? '' } : { member_name: form.errors.name };
      return renderGroup(request, reply.code(422), group.id, errors, form.values);
    }
    const person = await findPersonByEmail(app.db, form.data.email);
    if (person === undefined) {
      if (form.data.name === '') {
        const error = `No one has the email address ${form.data.email} yet. Enter their name to add them to ICMap and to this group.`;
        return renderGroup(request, reply.code(422), group.id, { member_name: error }, { email: form.data.email });
      }
      await addNewMember(app.db, viewer.id, group.id, { name: form.data.name, email: form.data.email }, form.data.facilitator);
      setFlash(request, `${form.data.name} is new in ICMap and in ${group.name}${form.data.facilitator ? ' as a facilitator' : ''}. Hand them an invitation so they can sign in.`);
      return reply.redirect(`/groups/${group.id}`, 303);
    }
    await addMembership(app.db, viewer.id, group.id, person.id, form.data.facilitator);
    setFlash(request, `${person.name} is in ${group.name}${form.data.facilitator ? ' as a facilitator' : ''}.`);
    return reply.redirect(`/groups/${group.id}`, 303);
  });

  app.post('/groups/:id/members/:personId/remove', { schema: { params: memberParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const group = await groupFor(app.db, viewer.scope, request.params.id, 'manage');
    await removeMembership(app.db, viewer.id, group.id, request.params.personId);
    setFlash(request, 'Removed from the group.');
    return reply.redirect(`/groups/${group.id}`, 303);
  });

  app.post('/groups/:id/members/:personId/facilitator', { schema: { params: memberParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const group = await groupFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(facilitatorForm, request.body);
    if (!form.ok) return renderGroup(request, reply.code(422), group.id, form.errors, form.values);
    const members = await listMembers(app.db, group.id);
    const member = members.find((candidate) => candidate.person_id === request.params.personId);
    if (member === undefined) {
      return renderGroup(request, reply.code(422), group.id, { form: 'That person is not in this group.' });
    }
    await addMembership(app.db, viewer.id, group.id, member.person_id, form.data.facilitator);
    setFlash(request, `${member.name} ${form.data.facilitator ? 'now facilitates' : 'no longer facilitates'} ${group.name}.`);
    return reply.redirect(`/groups/${group.id}`, 303);
  });
};

export default networkRoutes;
