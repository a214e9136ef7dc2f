/** Sign-in, sign-out, first-run setup and one-time access links (invitations, password resets). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accessPage } from '../pages/auth.js';
import { renderPage } from '../pages/render.js';
import { endSession, startSession } from '../plugins/auth.js';
import { acceptAccessLink, inspectAccessLink, type LinkState } from '../services/access-links.js';
import { completeSetup, needsSetup } from '../services/first-run.js';
import { ACCOUNT_THROTTLE, signIn, type SignInResult } from '../services/sign-in.js';
import { emailField, nameField, newPasswordFields, timeZoneField } from './fields.js';
import { DEFAULT_TIME_ZONE, timeZoneChoices } from '../services/network-time.js';
import { parseForm } from './forms.js';
import { homePath, networkPath } from '../urls.js';

const tokenParams = z.object({ token: z.string().min(1).max(200) });

const LOCAL_ORIGIN = 'http://icmap.invalid';

/**
 * Only same-site paths: "/groups/3" yes; "//evil.example", "https://…", and anything with a control
 * character or space (browsers drop tabs and newlines, turning "/\t/evil" into "//evil") no. The
 * path is resolved first ("/.//evil", "/%2e//evil" and "/a/..//evil" all become "//evil"), and what
 * it resolves to must itself be a path of this site, exactly as a browser would read it back.
 */
export function safeNext(next: unknown): string {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (typeof next !== 'string' || !/^\/(?![/\\])[^\s\\\x00-\x1f\x7f]*$/.test(next)) return homePath();
  const resolved = new URL(next, LOCAL_ORIGIN);
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  if (resolved.origin !== LOCAL_ORIGIN || !path.startsWith('/') || /^\/[/\\]/.test(path)) return homePath();
  return new URL(path, LOCAL_ORIGIN).origin === LOCAL_ORIGIN ? path : homePath();
}

const signInForm = z.object({
  email: z.string().trim().max(254).default(''),
  password: z.string().max(1000).default(''),
  next: z.string().max(2000).optional(),
});

const setupForm = z
  .object({
    network_name: nameField('the name of your network'),
    time_zone: timeZoneField,
    name: nameField('your name'),
    email: emailField,
  })
  .and(newPasswordFields);

const LOCK_MINUTES = ACCOUNT_THROTTLE.windowMs / 60_000;

/** What a refused sign-in says: the same for an unknown email and a wrong password, with a warning before the lock. */
function signInRefusal(result: Exclude<SignInResult, { ok: true }>): string {
  if (result.reason !== 'invalid') {
    return result.reason === 'throttled'
      ? `Too many failed attempts for this account. Wait ${LOCK_MINUTES} minutes and try again, or ask for a password reset link.`
      : 'Too many failed sign-ins from your connection. Wait a minute and try again. Nothing was changed.';
  }
  const mismatch = 'That email and password do not match an account. Check both and try again.';
  if (result.attemptsLeft === 0) return `${mismatch} This account is now locked for ${LOCK_MINUTES} minutes: wait, or ask your network administrator to lift the lock.`;
  if (result.attemptsLeft <= 2) return `${mismatch} ${result.attemptsLeft} attempt${result.attemptsLeft === 1 ? '' : 's'} left before this account is locked for ${LOCK_MINUTES} minutes.`;
  return mismatch;
}

const linkMessages: Record<Exclude<LinkState['state'], 'usable'>, string> = {
  used: 'This link has already been used. Each link works once: ask your network administrator or leader for a new one.',
  expired: 'This link has expired. Links work for 14 days: ask your network administrator or leader for a new one.',
  unknown: 'This link is not valid. Check that you copied all of it, or ask for a new one.',
  withdrawn: 'This link no longer works: the access of the person it was made for has changed since. Ask your network administrator for a new one.',
};

function renderLinkProblem(reply: FastifyReply, state: Exclude<LinkState['state'], 'usable'>): FastifyReply {
  return renderPage(reply.code(state === 'unknown' ? 404 : 410), 'pages/auth/link-problem', { title: 'This link cannot be used', message: linkMessages[state] });
}

const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const renderSignIn = (request: FastifyRequest, reply: FastifyReply, data: { error?: string; email?: string; next?: string }) =>
    renderPage(reply, 'pages/auth/sign-in', { title: 'Sign in', ...data, keptForm: request.session.keptForm !== undefined, csrfToken: reply.generateCsrf(), next: safeNext(data.next ?? (request.query as { next?: string }).next) });

  app.get('/sign-in', async (request, reply) => {
    if (request.viewer !== null) return reply.redirect(safeNext((request.query as { next?: unknown }).next), 303);
    return renderSignIn(request, reply, {});
  });

  app.post('/sign-in', async (request, reply) => {
    const form = signInForm.parse(request.body ?? {});
    const result = await signIn(app.db, { email: form.email, password: form.password, address: request.ip, addressLimit: app.config.signInLimitPerMinute });
    if (!result.ok) {
      reply.code(result.reason === 'invalid' ? 401 : 429);
      return renderSignIn(request, reply, { error: signInRefusal(result), email: form.email, ...(form.next === undefined ? {} : { next: form.next }) });
    }
    await startSession(request, result.person.id);
    return reply.redirect(safeNext(form.next), 303);
  });

  app.post('/sign-out', async (request, reply) => {
    await endSession(request);
    // The browser forgets this site's cached pages and cookies: Back shows nobody's answers.
    reply.header('clear-site-data', '"cache", "cookies"');
    return reply.redirect(homePath(), 303);
  });

  app.get('/setup/:token', { schema: { params: tokenParams } }, async (request, reply) => {
    if (!(await needsSetup(app.db))) return renderPage(reply, 'pages/auth/setup-done', { title: 'ICMap is set up' });
    const link = await inspectAccessLink(app.db, request.params.token);
    if (link.state !== 'usable' || link.link.purpose !== 'setup') return renderLinkProblem(reply, link.state === 'usable' ? 'unknown' : link.state);
    return renderPage(reply, 'pages/auth/setup', { title: 'Set up ICMap', csrfToken: reply.generateCsrf(), timeZones: timeZoneChoices(), values: { time_zone: DEFAULT_TIME_ZONE }, errors: {} });
  });

  app.post('/setup/:token', { schema: { params: tokenParams } }, async (request, reply) => {
    if (!(await needsSetup(app.db))) return renderPage(reply.code(409), 'pages/auth/setup-done', { title: 'ICMap is set up' });
    const form = parseForm(setupForm, request.body);
    if (!form.ok) {
      return renderPage(reply.code(422), 'pages/auth/setup', { title: 'Set up ICMap', csrfToken: reply.generateCsrf(), timeZones: timeZoneChoices(), values: form.values, errors: form.errors });
    }
    const result = await completeSetup(app.db, request.params.token, {
      networkName: form.data.network_name,
      timeZone: form.data.time_zone,
      name: form.data.name,
      email: form.data.email,
      password: form.data.password,
    });
    if (!result.ok) {
      if (result.reason === 'done') return renderPage(reply.code(409), 'pages/auth/setup-done', { title: 'ICMap is set up' });
      return renderLinkProblem(reply, 'unknown');
    }
    await startSession(request, result.person.id);
    return reply.redirect(networkPath(), 303);
  });

  app.get('/access/:token', { schema: { params: tokenParams } }, async (request, reply) => {
    const link = await inspectAccessLink(app.db, request.params.token);
    if (link.state !== 'usable' || link.person === undefined) return renderLinkProblem(reply, link.state === 'usable' ? 'unknown' : link.state);
    return renderPage(reply, 'pages/auth/access', accessPage(link.link.purpose, link.person, reply.generateCsrf()));
  });

  app.post('/access/:token', { schema: { params: tokenParams } }, async (request, reply) => {
    const link = await inspectAccessLink(app.db, request.params.token);
    if (link.state !== 'usable' || link.person === undefined) return renderLinkProblem(reply, link.state === 'usable' ? 'unknown' : link.state);
    const form = parseForm(newPasswordFields, request.body);
    if (!form.ok) {
      return renderPage(reply.code(422), 'pages/auth/access', accessPage(link.link.purpose, link.person, reply.generateCsrf(), form.errors));
    }
    const result = await acceptAccessLink(app.db, request.params.token, form.data.password);
    if (!result.ok) return renderLinkProblem(reply, result.state);
    await startSession(request, result.person.id);
    return reply.redirect(homePath(), 303);
  });
};

export default authRoutes;
