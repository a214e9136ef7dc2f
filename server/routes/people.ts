/** People: the scoped, searchable list; a person's page; admin changes; sign-in links handed out by hand. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAllowed } from '../access/guard.js';
import { may, type Subject } from '../access/policy.js';
import { listedPerson, personGroup } from '../pages/people.js';
import { renderPage } from '../pages/render.js';
import { requireViewer, SESSION_LIFETIME_MS, setFlash, type Viewer } from '../plugins/auth.js';
import { sessionIdDigest, sessionsOfPerson } from '../repositories/sessions.js';
import { endOtherSessions } from '../services/sessions.js';
import { latestLinkFor } from '../repositories/access-links.js';
import { listPeople, seatsOf } from '../repositories/people.js';
import { listDistricts, listSites } from '../repositories/organisation.js';
import { groupRoleKeys } from '../access/group-roles.js';
import { issueAccessLink } from '../services/access-links.js';
import { accountLockedUntil, liftAccountLock } from '../services/sign-in.js';
import { ChangeRefusedError } from '../errors.js';
import { addPerson, archivePerson, changeAdminRole, editPerson } from '../services/organisation.js';
import { personFor, personSubject } from '../services/organisation-access.js';
import { emailField, idField, nameField, pageField } from './fields.js';
import { parseForm, type FormErrors } from './forms.js';
import { linkBase } from './links.js';
import { accessLinkPath, personPath } from '../urls.js';

const PAGE_SIZE = 50;
const idParams = z.object({ id: idField });
const emptyIsAbsent = (value: unknown) => (value === '' ? undefined : value);
const listQuery = z.object({
  q: z.string().trim().max(200, 'Search for at most 200 characters.').default(''),
  page: pageField(100_000).default(1),
  archived: z.enum(['1']).optional(),
  district: z.preprocess(emptyIsAbsent, idField.optional()),
  site: z.preprocess(emptyIsAbsent, idField.optional()),
  role: z.preprocess(emptyIsAbsent, z.enum(groupRoleKeys as [string, ...string[]], { message: 'Choose a role from the list.' }).optional()),
  signin: z.preprocess(emptyIsAbsent, z.enum(['no'], { message: 'signin can only be no' }).optional()),
});
const personForm = z.object({ name: nameField('a name'), email: emailField });
const adminForm = z.object({ admin: z.enum(['true', 'false']).transform((v) => v === 'true') });
const archiveForm = z.object({ archived: z.enum(['true', 'false']).transform((v) => v === 'true') });

const peopleRoutes: FastifyPluginAsyncZod = async (app) => {
  const roleName = (key: string): string => app.maps.roleName(key);
  const peopleList: Subject = { kind: 'overview', of: 'people' };
  function requireOverview(request: FastifyRequest): Viewer {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'view', peopleList);
    return viewer;
  }

  async function renderList(request: FastifyRequest, reply: FastifyReply, query: z.output<typeof listQuery>, errors: FormErrors = {}, values: Record<string, string> = {}) {
    const viewer = requireOverview(request);
    const archived = query.archived === '1';
    const { people, total } = await listPeople(app.db, viewer.scope, {
      search: query.q,
      limit: PAGE_SIZE,
      offset: (query.page - 1) * PAGE_SIZE,
      archived,
      ...(query.district === undefined ? {} : { districtId: query.district }),
      ...(query.site === undefined ? {} : { siteId: query.site }),
      ...(query.role === undefined ? {} : { roleKey: query.role }),
      ...(query.signin === 'no' ? { waitingToSignIn: true } : {}),
    });
    const [seats, districts, sites] = await Promise.all([
      seatsOf(app.db, people.map((person) => person.id)),
      listDistricts(app.db, viewer.scope),
      query.district === undefined ? [] : listSites(app.db, viewer.scope, query.district),
    ]);
    const filter = new URLSearchParams();
    for (const key of ['q', 'district', 'site', 'role', 'signin', 'archived'] as const) {
      const value = query[key];
      if (value !== undefined && value !== '') filter.set(key, String(value));
    }
    return renderPage(reply, 'pages/people/index', {
      title: 'People',
      nav: 'people',
      people: people.map((person) => listedPerson(person, seats, roleName)),
      total,
      query,
      archived,
      districts,
      sites,
      roles: groupRoleKeys.map((key) => ({ key, name: roleName(key) })),
      filter: filter.toString(),
      filtered: [...filter.keys()].some((key) => key !== 'archived'),
      pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      canManage: may(viewer.scope, 'manage', peopleList),
      errors,
      values,
    });
  }

  app.get('/people', { schema: { querystring: listQuery } }, async (request, reply) => renderList(request, reply, request.query));

  app.post('/people', async (request, reply) => {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'manage', peopleList);
    const form = parseForm(personForm, request.body);
    if (!form.ok) {
      reply.code(422);
      return renderList(request, reply, { q: '', page: 1 }, form.errors, form.values);
    }
    let id: number;
    try {
      id = await addPerson(app.db, viewer.id, form.data);
    } catch (error) {
      if (!(error instanceof ChangeRefusedError)) throw error;
      // Back to the form with the message and what was typed, not a dead end.
      reply.code(409);
      return renderList(request, reply, { q: '', page: 1 }, { email: `${error.message} Search for them above, or use another address.` }, { name: form.data.name, email: form.data.email });
    }
    setFlash(request, `${form.data.name} added. Hand them a sign-in link so they can set a password.`);
    return reply.redirect(personPath(id), 303);
  });

  async function renderPerson(request: FastifyRequest, reply: FastifyReply, id: number, extra: { errors?: FormErrors; values?: Record<string, string>; issuedLink?: { url: string; purpose: string; expiresAt: string } } = {}) {
    const viewer = requireViewer(request);
    const { person, groups } = await personFor(app.db, viewer.scope, id);
    const subject = personSubject(person, groups);
    const [latestLink, lockedUntil] = await Promise.all([latestLinkFor(app.db, id), accountLockedUntil(app.db, person.email)]);
    return renderPage(reply, 'pages/people/show', {
      title: person.name,
      nav: 'people',
      person: { id: person.id, name: person.name, email: person.email, isNetworkAdmin: person.is_network_admin === 1, archivedAt: person.archived_at, canSignIn: person.password_hash !== null },
      // Only the seats the viewer may see: a leader learns nothing of the person's places elsewhere.
      groups: groups.filter((group) => may(viewer.scope, 'view', { kind: 'group', id: group.id, place: group.place })).map(personGroup),
      latestLink: latestLink === undefined ? undefined : { purpose: latestLink.purpose, expiresAt: latestLink.expires_at, usedAt: latestLink.used_at, withdrawn: latestLink.revoked_at !== null },
      lockedUntil,
      sessions: may(viewer.scope, 'view', { kind: 'sessions', personId: person.id })
        ? (await sessionsOfPerson(app.db, person.id)).map((session) => ({
            device: session.device ?? 'An unknown device',
            signedInAt: session.createdAt,
            lastActiveAt: new Date(Date.parse(session.expiresAt) - SESSION_LIFETIME_MS).toISOString(),
            current: session.idHash === sessionIdDigest(request.session.sessionId),
          }))
        : undefined,
      isSelf: viewer.id === id,
      canManage: may(viewer.scope, 'manage', subject),
      canInvite: may(viewer.scope, 'invite', subject),
      errors: extra.errors ?? {},
      values: extra.values ?? {},
      issuedLink: extra.issuedLink,
    });
  }

  app.get('/people/:id', { schema: { params: idParams } }, async (request, reply) => renderPerson(request, reply, request.params.id));

  app.post('/people/:id', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    await personFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = parseForm(personForm, request.body);
    if (!form.ok) {
      reply.code(422);
      return renderPerson(request, reply, request.params.id, { errors: form.errors, values: form.values });
    }
    try {
      await editPerson(app.db, viewer.id, request.params.id, form.data);
    } catch (error) {
      if (!(error instanceof ChangeRefusedError)) throw error;
      reply.code(409);
      return renderPerson(request, reply, request.params.id, { errors: { email: error.message }, values: { name: form.data.name, email: form.data.email } });
    }
    setFlash(request, 'Details saved.');
    return reply.redirect(personPath(request.params.id), 303);
  });

  app.post('/people/:id/admin', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const { person } = await personFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = adminForm.parse(request.body ?? {});
    await changeAdminRole(app.db, viewer.id, person.id, form.admin);
    setFlash(request, form.admin ? `${person.name} is now a network administrator.` : `${person.name} is no longer a network administrator.`);
    return reply.redirect(personPath(person.id), 303);
  });

  app.post('/people/:id/archive', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const { person } = await personFor(app.db, viewer.scope, request.params.id, 'manage');
    const form = archiveForm.parse(request.body ?? {});
    await archivePerson(app.db, viewer.id, person.id, form.archived);
    setFlash(request, form.archived ? `${person.name} is archived and can no longer sign in. Their history is kept.` : `${person.name} is active again.`);
    return reply.redirect(personPath(person.id), 303);
  });

  // "Signed in on 2 devices": a person signs out their other sessions (a lost phone, a shared computer).
  app.post('/people/:id/sessions/end-others', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const { person } = await personFor(app.db, viewer.scope, request.params.id, 'end-sessions');
    const ended = await endOtherSessions(app.db, person.id, request.session.sessionId);
    setFlash(request, ended === 1 ? 'Signed out on 1 other device.' : `Signed out on ${ended} other devices.`);
    return reply.redirect(personPath(person.id), 303);
  });

  // Five failed sign-ins lock an account for 15 minutes; an admin who knows it is the person can lift it.
  app.post('/people/:id/unlock', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const { person } = await personFor(app.db, viewer.scope, request.params.id, 'manage');
    await liftAccountLock(app.db, viewer.id, person);
    setFlash(request, `${person.name} can sign in again.`);
    return reply.redirect(personPath(person.id), 303);
  });

  // The link is shown once, on this response, and never again: only its digest is stored.
  app.post('/people/:id/access-link', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const { person } = await personFor(app.db, viewer.scope, request.params.id, 'invite');
    if (person.archived_at !== null) {
      reply.code(409);
      return renderPerson(request, reply, person.id, { errors: { form: 'Restore this person before handing them a sign-in link.' } });
    }
    const link = await issueAccessLink(app.db, person, viewer.id);
    reply.header('cache-control', 'no-store');
    return renderPerson(request, reply, person.id, {
      issuedLink: { url: `${linkBase(request, app.config)}${accessLinkPath(link.token)}`, purpose: link.purpose, expiresAt: link.expiresAt },
    });
  });
};

export default peopleRoutes;
