/**
 * Signing in and staying signed in, over HTTP: CSRF, sign-in answers and redirects, session
 * regeneration and destruction, cookie attributes, rate limits, one-time links, archived people,
 * first-run setup, and the audit trail of what admins do.
 */
import type { FastifyInstance } from 'fastify';
import { describe, it } from 'vitest';
import type { Config } from '../../server/config.js';
import { SESSION_COOKIE } from '../../server/plugins/auth.js';
import { setPersonArchived } from '../../server/repositories/people.js';
import { issueAccessLink } from '../../server/services/access-links.js';
import { prepareFirstRun } from '../../server/services/first-run.js';
import { buildTestApp } from '../helpers.js';
import { snapshot } from '../support/db-snapshot.js';
import { addressSequence, anonymous, csrfFrom, setCookies, signIn, type Agent, type Response } from '../support/http.js';
import { networkForTest, PASSWORD, type NetworkFixture, type OnTestFinished } from '../support/network-fixture.js';

const CSRF_MESSAGE = 'This form has expired or did not come from ICMap. Go back, reload the page and try again. Nothing was changed.';
const NO_SESSION_CSRF_MESSAGE = 'This form has expired. Go back, reload the page and try again. Nothing was changed.';
const SIGN_IN_FAILED = 'That email and password do not match an account. Check both and try again.';
const ACCOUNT_THROTTLED = 'Too many failed attempts for this account. Wait 15 minutes and try again, or ask for a password reset link.';

/** A different client address for every agent, so one test's sign-ins never count against another's limit. */
const nextAddress = addressSequence(100);
const network = networkForTest;

/** A fresh app with an empty database (first run). */
async function bare(onTestFinished: OnTestFinished, overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  const app = await buildTestApp(overrides);
  onTestFinished(() => app.close());
  return app;
}

const as = (fixture: NetworkFixture, persona: keyof NetworkFixture['people']): Promise<Agent> =>
  signIn(fixture.app, fixture.people[persona].email, PASSWORD, { remoteAddress: nextAddress() });

const visitor = (app: FastifyInstance): Agent => anonymous(app, { remoteAddress: nextAddress() });

/** An agent that sends only the given session cookie: a browser still holding an old cookie. */
const holding = (app: FastifyInstance, cookie: string | undefined): Agent =>
  anonymous(app, { remoteAddress: nextAddress(), cookies: cookie === undefined ? {} : { [SESSION_COOKIE]: cookie } });

function sessionSetCookie(response: Response): string {
  const cookie = setCookies(response).find((candidate) => candidate.name === SESSION_COOKIE);
  if (cookie === undefined) throw new Error(`no ${SESSION_COOKIE} cookie on this response`);
  return cookie.header;
}

/** The link a person page shows once after "Create an invitation / reset link". */
function issuedLink(response: Response): { url: string; path: string; token: string } {
  const match = /value="(https?:\/\/[^"]+(\/access\/([A-Za-z0-9_-]+)))"/.exec(response.body);
  if (match === null) throw new Error('no access link on the page');
  return { url: match[1]!, path: match[2]!, token: match[3]! };
}

const choosePassword = (password: string) => ({ password, password_confirmation: password });

describe.concurrent('CSRF', () => {
  it('a signed-in POST without _csrf is refused with 403 and the friendly message; nothing changes', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const admin = await as(fx, 'admin');
    await admin.get('/network'); // the page the form is on: the session now holds a CSRF secret
    const before = await snapshot(fx.app.db);
    const response = await admin.post('/network/districts', { name: 'Cedar District' }, { csrf: false });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain(CSRF_MESSAGE);
    expect(await snapshot(fx.app.db)).toEqual(before);
  });

  it.for([
    ['a made-up token', () => 'not-a-real-token'],
    ['a token of another session', async (fx: NetworkFixture) => (await as(fx, 'memberA1')).csrfToken('/')],
    ['a token from before sign-in', async (fx: NetworkFixture) => {
      const agent = visitor(fx.app);
      return agent.csrfToken('/sign-in');
    }],
  ] as const)('a signed-in POST with %s is refused with 403; nothing changes', async ([, token], { expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const admin = await as(fx, 'admin');
    await admin.get(`/districts/${fx.districts.A.id}`);
    const wrong = await token(fx);
    const before = await snapshot(fx.app.db);
    const response = await admin.post(`/districts/${fx.districts.A.id}`, { name: 'Hijacked' }, { csrf: wrong });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain(CSRF_MESSAGE);
    expect(await snapshot(fx.app.db)).toEqual(before);
    expect((await admin.get(`/districts/${fx.districts.A.id}`)).body).toContain(fx.districts.A.name);
  });

  it('a POST with no session at all is refused with 403 and the "expired" message', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const response = await visitor(fx.app).post('/sign-in', { email: fx.people.admin.email, password: PASSWORD }, { csrf: false });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain(NO_SESSION_CSRF_MESSAGE);
    expect(response.headers.location).toBeUndefined();
  });

  it('sign-out needs the token too', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const admin = await as(fx, 'admin');
    expect((await admin.post('/sign-out', {}, { csrf: false })).statusCode).toBe(403);
    expect((await admin.get('/network')).statusCode).toBe(200);
  });
});

describe.concurrent('sign-in', () => {
  /** The sign-in page's error, and the page with its per-request parts (token, typed email) taken out. */
  const outcome = (response: Response, email: string) => ({
    status: response.statusCode,
    error: /<div class="error-summary" role="alert" tabindex="-1"><p>([^<]*)<\/p>/.exec(response.body)?.[1],
    page: response.body.replace(/name="_csrf" value="[^"]*"/, '').replaceAll(email, 'EMAIL'),
  });

  it('a wrong password and an unknown email get the same status and the same message', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const known = fx.people.memberA1.email;
    const unknown = 'nobody.here@alder.test';
    const wrongPassword = await visitor(fx.app).post('/sign-in', { email: known, password: 'not the password' }, { tokenFrom: '/sign-in' });
    const unknownEmail = await visitor(fx.app).post('/sign-in', { email: unknown, password: 'not the password' }, { tokenFrom: '/sign-in' });
    expect(outcome(wrongPassword, known)).toEqual(outcome(unknownEmail, unknown));
    expect(wrongPassword.statusCode).toBe(401);
    expect(outcome(wrongPassword, known).error).toBe(SIGN_IN_FAILED);
  });

  it('success answers 303 to /, and the person is signed in', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const agent = visitor(fx.app);
    const response = await agent.post('/sign-in', { email: fx.people.memberA1.email, password: PASSWORD }, { tokenFrom: '/sign-in' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
    expect((await agent.get('/')).body).toContain(`Hello, ${fx.people.memberA1.name}`);
  });

  it('email addresses match whatever their case and surrounding spaces', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const response = await visitor(fx.app).post('/sign-in', { email: `  ${fx.people.memberA1.email.toUpperCase()} `, password: PASSWORD }, { tokenFrom: '/sign-in' });
    expect(response.statusCode).toBe(303);
  });

  it('a safe next (a path of this site) is followed, from the page that asked for sign-in', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const agent = visitor(fx.app);
    const bounced = await agent.get(`/groups/${fx.groups.teamA1.id}`);
    expect(bounced.statusCode).toBe(303);
    expect(bounced.headers.location).toBe(`/sign-in?next=${encodeURIComponent(`/groups/${fx.groups.teamA1.id}`)}`);
    const page = await agent.get(bounced.headers.location!);
    expect(page.body).toContain(`name="next" value="/groups/${fx.groups.teamA1.id}"`);
    const response = await agent.post('/sign-in', { email: fx.people.memberA1.email, password: PASSWORD, next: `/groups/${fx.groups.teamA1.id}` }, { csrf: csrfFrom(page.body)! });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/groups/${fx.groups.teamA1.id}`);
  });

  it.for(['//evil.example', '//evil.example/path', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', 'evil.example'])(
    'next=%s is ignored: 303 to /',
    async (next, { expect, onTestFinished }) => {
      const fx = await network(onTestFinished);
      const response = await visitor(fx.app).post('/sign-in', { email: fx.people.memberA1.email, password: PASSWORD, next }, { tokenFrom: '/sign-in' });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/');
    },
  );

  // Dot segments and encoded dots resolve to "//evil.example": the path is resolved before it is judged.
  const resolvingToAnotherSite = ['/.//evil.example/x', '/..//evil.example', '/%2e//evil.example', '/%2E%2E//evil.example/x', '/./\\evil.example', '/a/..//evil.example'];
  it.for(resolvingToAnotherSite)('next=%s is ignored after sign-in: 303 to /', async (next, { expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const response = await visitor(fx.app).post('/sign-in', { email: fx.people.memberA1.email, password: PASSWORD, next }, { tokenFrom: '/sign-in' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
  });

  it('a signed-in person opening /sign-in?next= with a path that resolves to another site is sent to /', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const member = await as(fx, 'memberA1');
    for (const next of resolvingToAnotherSite) {
      const response = await member.get(`/sign-in?next=${encodeURIComponent(next)}`);
      expect(response.statusCode, next).toBe(303);
      expect(response.headers.location, next).toBe('/');
    }
    // Encoded slashes stay encoded: a path on this site, never another host.
    const encoded = await member.get(`/sign-in?next=${encodeURIComponent('/%2f%2fevil.example')}`);
    expect(encoded.headers.location).toBe('/%2f%2fevil.example');
    const fine = await member.get(`/sign-in?next=${encodeURIComponent('/checks/./1?tab=a#top')}`);
    expect(fine.headers.location).toBe('/checks/1?tab=a#top');
  });

  // Browsers drop tabs and newlines from URLs, so "/<TAB>/evil.example" is followed as "//evil.example".
  it('next=/<TAB>/evil.example is ignored: 303 to /', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const response = await visitor(fx.app).post('/sign-in', { email: fx.people.memberA1.email, password: PASSWORD, next: '/\t/evil.example' }, { tokenFrom: '/sign-in' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
  });

  it('a signed-in person opening /sign-in?next=/<LF>/evil.example is answered (303 to /), not left hanging', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const member = await as(fx, 'memberA1');
    // A hang never answers; 30 s (not 2) so that a busy machine's slow answer is not taken for one.
    const timeout = new Promise<'no answer'>((resolve) => setTimeout(() => { resolve('no answer'); }, 30_000).unref());
    const response = await Promise.race([member.get('/sign-in?next=%2F%0A%2Fevil.example'), timeout]);
    expect(response).not.toBe('no answer');
    expect((response as Response).statusCode).toBe(303);
    expect((response as Response).headers.location).toBe('/');
  });
});

describe.concurrent('sessions', () => {
  it('sign-in issues a new session id; the anonymous cookie from GET /sign-in does not authenticate', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const agent = visitor(fx.app);
    const page = await agent.get('/sign-in');
    const before = agent.sessionCookie;
    expect(before).toBeDefined();
    const response = await agent.post('/sign-in', { email: fx.people.admin.email, password: PASSWORD }, { csrf: csrfFrom(page.body)! });
    expect(response.statusCode).toBe(303);
    const after = agent.sessionCookie;
    expect(after).toBeDefined();
    expect(after).not.toBe(before);

    expect((await agent.get('/network')).statusCode).toBe(200);
    const old = await holding(fx.app, before).get('/network');
    expect(old.statusCode).toBe(303);
    expect(old.headers.location).toBe('/sign-in?next=%2Fnetwork');
  });

  it('sign-out destroys the session: the old cookie no longer reaches a signed-in page', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const admin = await as(fx, 'admin');
    const cookie = admin.sessionCookie;
    const out = await admin.post('/sign-out');
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/');
    const again = await holding(fx.app, cookie).get('/network');
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/sign-in?next=%2Fnetwork');
  });

  it('the session cookie is HttpOnly, SameSite=Lax, for the whole site, and not Secure over plain http', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const agent = visitor(fx.app);
    const response = await agent.post('/sign-in', { email: fx.people.admin.email, password: PASSWORD }, { tokenFrom: '/sign-in' });
    const cookie = sessionSetCookie(response);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
  });

  it('behind a trusted proxy that says https, the session cookie is Secure', async ({ expect, onTestFinished }) => {
    const f = await network(onTestFinished, { trustProxy: 1 });
    const agent = anonymous(f.app, { remoteAddress: nextAddress(), headers: { 'x-forwarded-proto': 'https' } });
    const response = await agent.post('/sign-in', { email: f.people.admin.email, password: PASSWORD }, { tokenFrom: '/sign-in' });
    expect(response.statusCode).toBe(303);
    const cookie = sessionSetCookie(response);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect((await agent.get('/network')).statusCode).toBe(200);
  });
});

// The per-address limit (failures only) and the account lock's races and warnings: sign-in-limits.test.ts.
describe.concurrent('rate limits', () => {
  it('after 5 wrong passwords for one account (from 5 addresses) even the right password answers 429; other accounts are unaffected', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const email = fx.people.memberA1.email;
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const response = await visitor(fx.app).post('/sign-in', { email, password: `wrong password ${attempt}` }, { tokenFrom: '/sign-in' });
      expect(response.statusCode, `attempt ${attempt}`).toBe(401);
    }
    const agent = visitor(fx.app);
    const right = await agent.post('/sign-in', { email, password: PASSWORD }, { tokenFrom: '/sign-in' });
    expect(right.statusCode).toBe(429);
    expect(right.body).toContain(ACCOUNT_THROTTLED);
    expect(right.headers.location).toBeUndefined();
    expect((await agent.get('/')).body).not.toContain('Hello,');

    const other = await visitor(fx.app).post('/sign-in', { email: fx.people.memberB1.email, password: PASSWORD }, { tokenFrom: '/sign-in' });
    expect(other.statusCode).toBe(303);
  });
});

describe.concurrent('invitation and reset links', () => {
  it('an admin invites a new person; the link works once for an anonymous visitor and signs them in', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const admin = await as(fx, 'admin');
    const created = await admin.post('/people', { name: 'Nina Newcomer', email: 'nina.newcomer@alder.test' });
    expect(created.statusCode).toBe(303);
    const personPath = created.headers.location!;
    expect(personPath).toMatch(/^\/people\/\d+$/);

    const issued = await admin.post(`${personPath}/access-link`);
    expect(issued.statusCode).toBe(200);
    expect(issued.body).toContain('Invitation link for Nina Newcomer');
    expect(issued.headers['cache-control']).toBe('no-store');
    const link = issuedLink(issued);
    expect(link.url).toBe(`http://localhost:80${link.path}`);
    // Shown once: the person page does not show it again.
    expect((await admin.get(personPath)).body).not.toContain(link.token);

    const nina = visitor(fx.app);
    const page = await nina.get(link.path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Welcome to ICMap');
    expect(page.body).toContain('nina.newcomer@alder.test');

    const accepted = await nina.post(link.path, choosePassword('nina chooses a long one'), { csrf: csrfFrom(page.body)! });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe('/');
    expect((await nina.get('/')).body).toContain('Hello, Nina Newcomer');
    expect((await nina.get(personPath)).statusCode).toBe(200);

    const secondVisitor = visitor(fx.app);
    const reused = await secondVisitor.get(link.path);
    expect(reused.statusCode).toBe(410);
    expect(reused.body).toContain('This link has already been used.');
    const reusedPost = await secondVisitor.post(link.path, choosePassword('someone else tries'), { tokenFrom: '/sign-in' });
    expect(reusedPost.statusCode).toBe(410);
    expect(reusedPost.body).toContain('This link has already been used.');

    // The password chosen the first time is the one that works.
    expect((await visitor(fx.app).post('/sign-in', { email: 'nina.newcomer@alder.test', password: 'someone else tries' }, { tokenFrom: '/sign-in' })).statusCode).toBe(401);
    expect((await visitor(fx.app).post('/sign-in', { email: 'nina.newcomer@alder.test', password: 'nina chooses a long one' }, { tokenFrom: '/sign-in' })).statusCode).toBe(303);
  });

  it('a link past its expiry answers 410 "expired" and sets no password', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const admin = await as(fx, 'admin');
    const created = await admin.post('/people', { name: 'Otto Late', email: 'otto.late@alder.test' });
    const personId = Number(created.headers.location!.split('/').pop());
    const person = await fx.app.db.selectFrom('people').selectAll().where('id', '=', personId).executeTakeFirstOrThrow();
    const link = await issueAccessLink(fx.app.db, person, fx.people.admin.id, Date.now() - 15 * 24 * 60 * 60 * 1000);

    const otto = visitor(fx.app);
    const page = await otto.get(`/access/${link.token}`);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('This link has expired.');
    const post = await otto.post(`/access/${link.token}`, choosePassword('otto tries anyway'), { tokenFrom: '/sign-in' });
    expect(post.statusCode).toBe(410);
    const after = await fx.app.db.selectFrom('people').select('password_hash').where('id', '=', personId).executeTakeFirstOrThrow();
    expect(after.password_hash).toBeNull();
  });

  it('an unknown token answers 404', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const response = await visitor(fx.app).get('/access/thisTokenWasNeverIssuedByICMap0123456789');
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('This link is not valid.');
  });

  it("a reset link: the new password works, the old one does not, and the person's earlier sessions are gone", async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const milo = await as(fx, 'memberA1');
    const miloCookie = milo.sessionCookie;
    expect((await milo.get(`/groups/${fx.groups.teamA1.id}`)).statusCode).toBe(200);

    const admin = await as(fx, 'admin');
    const issued = await admin.post(`/people/${fx.people.memberA1.id}/access-link`);
    expect(issued.statusCode).toBe(200);
    expect(issued.body).toContain(`Password reset link for ${fx.people.memberA1.name}`);
    const link = issuedLink(issued);

    const newBrowser = visitor(fx.app);
    const page = await newBrowser.get(link.path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Choose a new password');
    const accepted = await newBrowser.post(link.path, choosePassword('milo has a new password'), { csrf: csrfFrom(page.body)! });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe('/');
    expect((await newBrowser.get('/')).body).toContain(`Hello, ${fx.people.memberA1.name}`);

    const old = await holding(fx.app, miloCookie).get(`/groups/${fx.groups.teamA1.id}`);
    expect(old.statusCode).toBe(303);
    expect(old.headers.location).toMatch(/^\/sign-in\?next=/);
    expect((await visitor(fx.app).post('/sign-in', { email: fx.people.memberA1.email, password: PASSWORD }, { tokenFrom: '/sign-in' })).statusCode).toBe(401);
    expect((await visitor(fx.app).post('/sign-in', { email: fx.people.memberA1.email, password: 'milo has a new password' }, { tokenFrom: '/sign-in' })).statusCode).toBe(303);
  });

  it('a new link replaces the earlier unused one', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const admin = await as(fx, 'admin');
    const first = issuedLink(await admin.post(`/people/${fx.people.memberB1.id}/access-link`));
    const second = issuedLink(await admin.post(`/people/${fx.people.memberB1.id}/access-link`));
    expect(second.token).not.toBe(first.token);
    expect((await visitor(fx.app).get(first.path)).statusCode).toBe(410);
    expect((await visitor(fx.app).get(second.path)).statusCode).toBe(200);
  });
});

describe.concurrent('archived people', () => {
  it('an archived person cannot sign in, and their open session stops working at once', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const bea = await as(fx, 'memberB1');
    expect((await bea.get(`/groups/${fx.groups.teamB1.id}`)).statusCode).toBe(200);

    const admin = await as(fx, 'admin');
    const archived = await admin.post(`/people/${fx.people.memberB1.id}/archive`, { archived: 'true' });
    expect(archived.statusCode).toBe(303);

    const after = await bea.get(`/groups/${fx.groups.teamB1.id}`);
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe(`/sign-in?next=${encodeURIComponent(`/groups/${fx.groups.teamB1.id}`)}`);

    const again = await visitor(fx.app).post('/sign-in', { email: fx.people.memberB1.email, password: PASSWORD }, { tokenFrom: '/sign-in' });
    expect(again.statusCode).toBe(401);
    expect(again.body).toContain(SIGN_IN_FAILED);

    // No new link for them either.
    const link = await admin.post(`/people/${fx.people.memberB1.id}/access-link`);
    expect(link.statusCode).toBe(409);
    expect(link.body).not.toMatch(/\/access\/[A-Za-z0-9_-]{20,}/);
  });

  it('a session is refused as soon as its person is archived, even if the session row survived', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const bea = await as(fx, 'memberB1');
    // Archived behind the sessions' back (no session cleanup): the per-request check must still refuse.
    await setPersonArchived(fx.app.db, fx.people.memberB1.id, true);
    const response = await bea.get(`/people/${fx.people.memberB1.id}`);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(/^\/sign-in\?next=/);
  });
});

describe.concurrent('first run', () => {
  const setupForm = { network_name: 'Lakeside Network', time_zone: 'America/Chicago', name: 'Sol Setup', email: 'Sol.Setup@Lakeside.test' };

  it('without an admin: a setup link; a bad form creates nothing; a good one creates the network and admin and signs in', async ({ expect, onTestFinished }) => {
    const bareApp = await bare(onTestFinished);
    const first = await prepareFirstRun(bareApp.db, undefined);
    expect(first.state).toBe('setup-needed');
    if (first.state !== 'setup-needed') return;
    const path = `/setup/${first.token}`;

    const sol = visitor(bareApp);
    const page = await sol.get(path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Set up ICMap');
    const token = csrfFrom(page.body)!;

    const empty = await snapshot(bareApp.db);
    const mismatched = await sol.post(path, { ...setupForm, password: 'a long enough password', password_confirmation: 'a different password' }, { csrf: token });
    expect(mismatched.statusCode).toBe(422);
    expect(mismatched.body).toContain('The two passwords do not match.');
    expect(mismatched.body).toMatch(/id="field-password_confirmation-error"/);
    expect(mismatched.body).toContain('value="Lakeside Network"');
    expect(await snapshot(bareApp.db)).toEqual(empty);

    const done = await sol.post(path, { ...setupForm, ...choosePassword('a long enough password') }, { csrf: csrfFrom(mismatched.body)! });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/network');
    const networkPage = await sol.get('/network');
    expect(networkPage.statusCode).toBe(200);
    expect(networkPage.body).toContain('<h1>Lakeside Network</h1>');
    expect((await sol.get('/')).body).toContain('Hello, Sol Setup');
    expect((await sol.get('/admin/audit')).statusCode).toBe(200);
    const admins = await bareApp.db.selectFrom('people').select(['email', 'is_network_admin']).execute();
    expect(admins).toEqual([{ email: 'sol.setup@lakeside.test', is_network_admin: 1 }]);

    const again = await visitor(bareApp).get(path);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('ICMap is already set up');
    expect(again.body).not.toContain('name="password"');

    expect(await prepareFirstRun(bareApp.db, undefined)).toEqual({ state: 'ready' });
  });

  it('posting the used setup link again shows the "already set up" page and changes nothing', async ({ expect, onTestFinished }) => {
    const bareApp = await bare(onTestFinished);
    const first = await prepareFirstRun(bareApp.db, undefined);
    if (first.state !== 'setup-needed') throw new Error('expected a setup link');
    const path = `/setup/${first.token}`;
    const sol = visitor(bareApp);
    expect((await sol.post(path, { ...setupForm, ...choosePassword('a long enough password') }, { tokenFrom: path })).statusCode).toBe(303);

    // The same form sent once more (a double click, the back button, or someone else holding the link).
    const intruder = visitor(bareApp);
    const before = await snapshot(bareApp.db);
    const response = await intruder.post(path, { network_name: 'Taken Over', time_zone: 'UTC', name: 'Mallory', email: 'mallory@evil.test', ...choosePassword('mallory wants admin') }, { tokenFrom: '/sign-in' });
    expect(await snapshot(bareApp.db)).toEqual(before);
    expect(response.headers.location).toBeUndefined();
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('ICMap is already set up');
  });

  it('an unknown setup token answers 404 while setup is pending', async ({ expect, onTestFinished }) => {
    const bareApp = await bare(onTestFinished);
    await prepareFirstRun(bareApp.db, undefined);
    const response = await visitor(bareApp).get('/setup/notTheTokenThatWasPrinted0123456789');
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('This link is not valid.');
  });

  it('with initialAdmin configured, prepareFirstRun creates the admin, who can sign in', async ({ expect, onTestFinished }) => {
    const bareApp = await bare(onTestFinished, { initialAdmin: { email: 'Boot.Admin@Lakeside.test', password: 'bootstrap password', networkName: 'Boot Network' } });
    const result = await prepareFirstRun(bareApp.db, bareApp.config.initialAdmin);
    expect(result).toEqual({ state: 'admin-created', email: 'boot.admin@lakeside.test' });

    const admin = await signIn(bareApp, 'boot.admin@lakeside.test', 'bootstrap password', { remoteAddress: nextAddress() });
    const networkPage = await admin.get('/network');
    expect(networkPage.statusCode).toBe(200);
    expect(networkPage.body).toContain('<h1>Boot Network</h1>');
    expect((await admin.get('/admin/audit')).statusCode).toBe(200);
    expect(await prepareFirstRun(bareApp.db, bareApp.config.initialAdmin)).toEqual({ state: 'ready' });
  });
});

describe.concurrent('audit log', () => {
  /** The audit log's entries as the sentences a reader sees, without the time. */
  async function auditRows(agent: Agent) {
    const response = await agent.get('/admin/audit');
    if (response.statusCode !== 200) throw new Error(`GET /admin/audit answered ${response.statusCode}`);
    return [...response.body.matchAll(/<li><time[^>]*>[^<]*<\/time>([^]*?)<\/li>/g)].map((match) => (match[1] ?? '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim());
  }

  it("each admin action shows up on /admin/audit with the actor's name", async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const admin = await as(fx, 'admin');
    const district = await admin.post('/network/districts', { name: 'Cedar District' });
    expect(district.statusCode).toBe(303);
    const districtId = Number(district.headers.location!.split('/').pop());
    const person = await admin.post('/people', { name: 'Pia Pending', email: 'pia.pending@alder.test' });
    const personId = Number(person.headers.location!.split('/').pop());
    const link = issuedLink(await admin.post(`/people/${personId}/access-link`));
    const pia = visitor(fx.app);
    expect((await pia.post(link.path, choosePassword('pia picks a password'), { tokenFrom: link.path })).statusCode).toBe(303);

    const rows = await auditRows(admin);
    expect(rows.slice(0, 4)).toEqual([
      'Pia Pending accepted their invitation and set a password.',
      `${fx.people.admin.name} created an invitation link for Pia Pending.`,
      `${fx.people.admin.name} added Pia Pending.`,
      `${fx.people.admin.name} added the district Cedar District.`,
    ]);
    expect((await admin.get('/admin/audit')).body).toContain(`<a href="/districts/${districtId}">Cedar District</a>`);
  });

  it('refused attempts leave no audit row', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const admin = await as(fx, 'admin');
    const before = await auditRows(admin);
    const leader = await as(fx, 'districtLeaderA');
    expect((await leader.post(`/districts/${fx.districts.A.id}`, { name: 'Mine now' })).statusCode).toBe(403);
    expect((await leader.post(`/districts/${fx.districts.B.id}`, { name: 'Mine now' })).statusCode).toBe(404);
    expect((await admin.post('/network/districts', { name: 'No token' }, { csrf: false })).statusCode).toBe(403);
    expect(await auditRows(admin)).toEqual(before);
  });
});
