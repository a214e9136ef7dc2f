/**
 * Nothing private stays in a browser's cache: every response to a signed-in person (and every page
 * with a form or a one-time link) says Cache-Control: no-store, and signing out clears the site's
 * cache and cookies, so Back on a shared school computer shows no one's answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, signIn, type Agent } from '../support/http.js';
import { buildNetworkFixture, PASSWORD, type NetworkFixture } from '../support/network-fixture.js';

let f: NetworkFixture;
let member: Agent;
let admin: Agent;
beforeAll(async () => {
  f = await buildNetworkFixture();
  member = await signIn(f.app, f.people.memberA1.email, PASSWORD, { remoteAddress: '10.77.0.1' });
  admin = await signIn(f.app, f.people.admin.email, PASSWORD, { remoteAddress: '10.77.0.2' });
});
afterAll(async () => {
  await f.app.close();
});

describe('Cache-Control', () => {
  it.for(['/', '/checks', '/maps/txnsi', '/people/self', '/groups/teamA1', '/no/such/page'])('a signed-in GET %s is sent with no-store', async (path) => {
    const url = path.replace('self', String(f.people.memberA1.id)).replace('teamA1', String(f.groups.teamA1.id));
    const response = await member.get(url);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('a signed-in CSV download and a POST answer are sent with no-store', async () => {
    expect((await admin.get('/admin/import/template.csv')).headers['cache-control']).toBe('no-store');
    const post = await admin.post('/network', { name: 'Riverside Network' });
    expect(post.statusCode).toBe(303);
    expect(post.headers['cache-control']).toBe('no-store');
  });

  it('the sign-in page (a form with a token) and a one-time link page are no-store for visitors too', async () => {
    const visitor = anonymous(f.app, { remoteAddress: '10.77.0.3' });
    expect((await visitor.get('/sign-in')).headers['cache-control']).toBe('no-store');
    expect((await visitor.get('/access/someTokenThatDoesNotExist0123')).headers['cache-control']).toBe('no-store');
  });

  it('public maps and static files stay cacheable for visitors', async () => {
    const visitor = anonymous(f.app, { remoteAddress: '10.77.0.4' });
    expect((await visitor.get('/maps/txnsi')).headers['cache-control']).toBeUndefined();
    expect((await visitor.get('/static/css/app.css')).headers['cache-control']).not.toBe('no-store');
    expect((await member.get('/static/css/app.css')).headers['cache-control']).not.toBe('no-store');
  });
});

describe('signing out', () => {
  it('clears the site’s cache and cookies in the browser', async () => {
    const someone = await signIn(f.app, f.people.memberB1.email, PASSWORD, { remoteAddress: '10.77.0.5' });
    const out = await someone.post('/sign-out');
    expect(out.statusCode).toBe(303);
    expect(out.headers['clear-site-data']).toBe('"cache", "cookies"');
    expect(out.headers['cache-control']).toBe('no-store');
  });
});
