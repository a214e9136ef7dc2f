/**
 * Who is asking: cookies, server-side sessions, CSRF protection on every state-changing request,
 and `request.viewer` (the signed-in person and their access scope).
 */
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySession from '@fastify/session';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { loadAccessScope } from '../access/load-scope.js';
import type { AccessScope } from '../access/scope.js';
import { findNetwork } from '../repositories/network.js';
import { findPerson } from '../repositories/people.js';
import { DEFAULT_TIME_ZONE } from '../services/network-time.js';
import { deleteExpiredSessions } from '../repositories/sessions.js';
import { settingOrInsert } from '../repositories/settings.js';
import { newToken } from '../services/tokens.js';
import { SignInRequiredError } from '../errors.js';
import { deviceLabel } from '../services/devices.js';
import { DatabaseSessionStore } from './session-store.js';
import type { PageLocals } from './views.js';

declare module 'fastify' {
  interface Session {
    personId?: number;
    /** A one-line confirmation shown on the next page (post/redirect/get). */
    flash?: string;
    /** "Chrome on Windows": how the person recognises this session among their devices. */
    device?: string;
    /** A form refused because the session had ended, kept so the person gets it back after signing in. */
    keptForm?: KeptForm;
  }
  interface FastifyRequest {
    viewer: Viewer | null;
    /** The network's IANA time zone: dates and times show in it, and "today" is its date. */
    timeZone: string;
  }
  interface FastifyContextConfig {
    /**
     * The route's GET page hands back a form refused for an ended session (`?resume=1`, see
     * `takeKeptForm`), so the error handler keeps the form and sends the person to sign in.
     */
    keepsFormWhenSignedOut?: boolean;
  }
}

export interface Viewer {
  id: number;
  name: string;
  email: string;
  isNetworkAdmin: boolean;
  scope: AccessScope;
}

export const SESSION_COOKIE = 'icmap_session';
/** A rolling session: a working day without activity signs a person out. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
const SESSION_TOUCH_MS = 10 * 60 * 1000;
/** A visitor's session (a sign-in form's CSRF secret) is kept an hour, then swept. */
const ANONYMOUS_SESSION_LIFETIME_MS = 60 * 60 * 1000;
const SWEEP_EVERY_MS = 10 * 60 * 1000;


export function requireViewer(request: FastifyRequest): Viewer {
  if (request.viewer === null) throw new SignInRequiredError();
  return request.viewer;
}

/** Signs a person in on this request: a fresh session id (no fixation), bound to the person. */
export async function startSession(request: FastifyRequest, personId: number): Promise<void> {
  // A form kept while signed out survives the new session id: it is what the person signs in for.
  const keptForm = request.session.keptForm;
  await request.session.regenerate();
  request.session.personId = personId;
  request.session.device = deviceLabel(request.headers['user-agent']);
  if (keptForm !== undefined) request.session.keptForm = keptForm;
}

export interface KeptForm {
  /** The path the form was posted to. */
  path: string;
  /** Its text fields, without the CSRF token. */
  fields: Record<string, string>;
}

/** Forms this big are not kept (a survey page is about 3 KB; the session row is no place for more). */
const KEPT_FORM_MAX_CHARS = 20_000;

/**
 * Keeps the text of a form that was refused only because its session had ended (expired, signed out
 * in another tab) or its token had gone stale, so that nothing typed is lost: the person signs in
 * again and `takeKeptForm` hands it back on the page it came from. Kept only for a form posted from
 * ICMap's own pages (the browser says so in Sec-Fetch-Site or Origin), so another site cannot plant
 * answers for someone to find after signing in. Returns whether it was kept.
 */
export function keepRefusedForm(request: FastifyRequest): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  const sameOrigin =
    fetchSite === undefined ? origin !== undefined && origin === `${request.protocol}://${request.host}` : fetchSite === 'same-origin';
  const body = request.body;
  if (!sameOrigin || typeof body !== 'object' || body === null) return false;
  const fields = Object.fromEntries(
    Object.entries(body as Record<string, unknown>).flatMap(([name, value]) =>
      typeof value === 'string' && name !== '_csrf' && !name.toLowerCase().includes('password') ? [[name, value]] : [],
    ),
  );
  const path = request.url.split('?')[0] ?? '/';
  if (JSON.stringify(fields).length > KEPT_FORM_MAX_CHARS) return false;
  request.session.keptForm = { path, fields };
  return true;
}

/** The kept form for this path, if any, removed from the session: it is handed back once. */
export function takeKeptForm(request: FastifyRequest, path: string): KeptForm | undefined {
  const kept = request.session.keptForm;
  if (kept?.path !== path) return undefined;
  request.session.keptForm = undefined;
  return kept;
}

export function setFlash(request: FastifyRequest, message: string): void {
  request.session.flash = message;
}

export async function endSession(request: FastifyRequest): Promise<void> {
  await request.session.destroy();
}

function csrfTokenFromBody(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  const field = body?._csrf;
  if (typeof field === 'string') return field;
  // Multipart forms carry fields as { value } objects.
  if (typeof field === 'object' && field !== null && 'value' in field && typeof field.value === 'string') return field.value;
  const header = request.headers['x-csrf-token'];
  return typeof header === 'string' ? header : undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Pages a visitor sees that are private all the same: a form token, or a one-time link in the address. */
const PRIVATE_PATHS = /^\/(sign-in|access\/|setup\/)/;

/**
 * What every page's layout gets. The CSRF token is made when a page is rendered, whatever the method
 * of the request that renders it: a form shown again after a refused POST (422, 409, 400, an error
 * page) must submit like the one first shown, and every signed-in page carries the sign-out form.
 * Made lazily (the getter runs when a view merges the locals), so redirects and JSON answers, and
 * anonymous visitors, who have no form needing one, make no token and get no session cookie.
 */
function pageLocals(request: FastifyRequest, reply: FastifyReply, rest: Omit<PageLocals, 'viewer' | 'csrfToken'>): PageLocals {
  let token: string | undefined;
  // Not spread anywhere before rendering: spreading would call the getter and make a token early.
  return Object.defineProperty({ viewer: request.viewer, ...rest }, 'csrfToken', {
    enumerable: true,
    get: () => {
      if (request.viewer === null) return undefined;
      token ??= reply.generateCsrf();
      return token;
    },
  });
}

export default fp(
  async (app) => {
    const secret = await settingOrInsert(app.db, 'session_secret', newToken());
    await app.register(fastifyCookie);
    await app.register(fastifySession, {
      secret,
      cookieName: SESSION_COOKIE,
      store: new DatabaseSessionStore(app.db, SESSION_LIFETIME_MS, SESSION_TOUCH_MS, ANONYMOUS_SESSION_LIFETIME_MS),
      saveUninitialized: false,
      rolling: true,
      // 'auto' marks the cookie Secure whenever the request came over HTTPS (directly or, with
      // TRUST_PROXY, through the proxy), and keeps it usable over plain HTTP on a laptop install.
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/', maxAge: SESSION_LIFETIME_MS },
    });
    await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session', getToken: csrfTokenFromBody });

    await deleteExpiredSessions(app.db);
    const sweep = setInterval(() => {
      deleteExpiredSessions(app.db).catch((error: unknown) => {
        app.log.warn({ err: error }, 'could not delete expired sessions');
      });
    }, SWEEP_EVERY_MS);
    sweep.unref();
    app.addHook('onClose', async () => {
      clearInterval(sweep);
    });

    app.decorateRequest('viewer', null);
    app.decorateRequest('timeZone', DEFAULT_TIME_ZONE);
    app.addHook('onRequest', async (request, reply) => {
      const personId = request.session.personId;
      let timeZoneUnset = false;
      if (personId !== undefined) {
        const person = await findPerson(app.db, personId);
        if (person?.archived_at !== null) {
          // The person is gone or archived: replace the session with a fresh, anonymous one.
          await request.session.regenerate();
        } else {
          request.viewer = {
            id: person.id,
            name: person.name,
            email: person.email,
            isNetworkAdmin: person.is_network_admin === 1,
            scope: await loadAccessScope(app.db, person),
          };
          const network = await findNetwork(app.db);
          request.timeZone = network?.time_zone ?? DEFAULT_TIME_ZONE;
          // Admins are told while the time zone is the UTC an upgrade set, until one of them chooses.
          timeZoneUnset = request.viewer.isNetworkAdmin && network?.time_zone_chosen_at === null;
        }
      }
      const safe = SAFE_METHODS.has(request.method);
      const flash = safe ? request.session.flash : undefined;
      if (flash !== undefined) request.session.flash = undefined;
      reply.locals = pageLocals(request, reply, { flash, timeZone: request.timeZone, timeZoneUnset });
    });

    // Nothing private may stay in a browser's cache (Back after sign-out on a shared computer): every
    // response to a signed-in person, and the pages that carry a form token or a one-time link.
    app.addHook('onSend', async (request, reply, payload) => {
      if (!request.url.startsWith('/static/') && (request.viewer !== null || PRIVATE_PATHS.test(request.url))) reply.header('cache-control', 'no-store');
      return payload;
    });

    app.addHook('preHandler', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
      if (SAFE_METHODS.has(request.method)) {
        done();
        return;
      }
      app.csrfProtection(request, reply, done);
    });
  },
  { name: 'auth', dependencies: ['database'] },
);
