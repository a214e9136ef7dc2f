/**
 * A tiny browser for app.inject(): a cookie jar, CSRF tokens read from the pages the way a browser's
 * form would carry them, and the real sign-in flow.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SESSION_COOKIE } from '../../server/plugins/auth.js';

export type Response = LightMyRequestResponse;
export type Form = Record<string, string>;

export interface AgentOptions {
  /** The client's address, so that per-IP limits of one test do not reach another. */
  remoteAddress?: string;
  /** Sent with every request (e.g. x-forwarded-proto). */
  headers?: Record<string, string>;
}

export interface PostOptions {
  /**
   * The `_csrf` to send: by default a fresh one read from `tokenFrom`; a string sends that value;
   * false sends none.
   */
  csrf?: string | false;
  /** The page whose form carries the token: '/' for signed-in people (the sign-out form). */
  tokenFrom?: string;
}

export interface Agent {
  /** The Cookie header this agent sends ('' when it has no cookie yet). */
  readonly cookie: string;
  /** The current value of the session cookie, if any. */
  readonly sessionCookie: string | undefined;
  get(url: string): Promise<Response>;
  post(url: string, form?: Form, options?: PostOptions): Promise<Response>;
  /** Reads the `_csrf` hidden field of a page (throws if it has none). */
  csrfToken(from?: string): Promise<string>;
  /** POSTs these fields exactly as given (repeated names allowed; `_csrf` only if among them). */
  submit(url: string, fields: [string, string][], headers?: Record<string, string>): Promise<Response>;
}

/** The `_csrf` hidden field of an HTML page, if it has one. */
export function csrfFrom(html: string): string | undefined {
  const match = /name="_csrf" value="([^"]*)"/.exec(html);
  return match?.[1]?.replace(/&amp;/g, '&');
}

/** name=value pairs of the Set-Cookie headers of a response. */
export function setCookies(response: Response): { name: string; value: string; header: string }[] {
  const raw = response.headers['set-cookie'];
  const headers = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return headers.map((header) => {
    const pair = header.split(';', 1)[0] ?? '';
    const equals = pair.indexOf('=');
    return { name: pair.slice(0, equals).trim(), value: pair.slice(equals + 1).trim(), header };
  });
}

/** A visitor with an empty cookie jar (or the given cookies). */
export function anonymous(app: FastifyInstance, options: AgentOptions & { cookies?: Record<string, string> } = {}): Agent {
  const jar = new Map<string, string>(Object.entries(options.cookies ?? {}));
  const cookieHeader = (): string => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

  async function send(method: 'GET' | 'POST', url: string, form?: Form | [string, string][], extraHeaders: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers, ...extraHeaders };
    if (jar.size > 0) headers.cookie = cookieHeader();
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await app.inject({
      method,
      url,
      headers,
      ...(form === undefined ? {} : { payload: new URLSearchParams(form).toString() }),
      ...(options.remoteAddress === undefined ? {} : { remoteAddress: options.remoteAddress }),
    });
    for (const cookie of setCookies(response)) {
      if (cookie.value === '' || /;\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(cookie.header)) jar.delete(cookie.name);
      else jar.set(cookie.name, cookie.value);
    }
    return response;
  }

  const agent: Agent = {
    get cookie() {
      return cookieHeader();
    },
    get sessionCookie() {
      return jar.get(SESSION_COOKIE);
    },
    get: (url) => send('GET', url),
    async csrfToken(from = '/') {
      const page = await send('GET', from);
      const token = csrfFrom(page.body);
      if (token === undefined) throw new Error(`GET ${from} (${page.statusCode}) has no _csrf field`);
      return token;
    },
    submit: (url, fields, headers) => send('POST', url, fields, headers),
    async post(url, form = {}, postOptions = {}) {
      const csrf = postOptions.csrf ?? (await agent.csrfToken(postOptions.tokenFrom));
      return send('POST', url, csrf === false ? form : { ...form, _csrf: csrf });
    },
  };
  return agent;
}

/**
 * The real sign-in flow: GET /sign-in (session cookie + `_csrf`), then POST /sign-in with both.
 * Throws unless ICMap answers with the 303 of a successful sign-in.
 */
export async function signIn(app: FastifyInstance, email: string, password: string, options: AgentOptions = {}): Promise<Agent> {
  const agent = anonymous(app, options);
  const response = await agent.post('/sign-in', { email, password }, { tokenFrom: '/sign-in' });
  if (response.statusCode !== 303) throw new Error(`sign-in as ${email} answered ${response.statusCode}`);
  return agent;
}

/**
 * A new client address on every call (10.<block>.x.y), so that one test's sign-ins never count against
 * another's per-address limit on a shared app.
 */
export function addressSequence(block: number): () => string {
  let counter = 0;
  return () => {
    counter += 1;
    return `10.${block}.${Math.floor(counter / 250)}.${(counter % 250) + 1}`;
  };
}
