/**
 * Sessions: a visitor's session lasts an hour, not a working day (and a plain page stores none), and a
 * person sees the devices they are signed in on and can sign the others out from their own page.
 */
import { describe, it } from 'vitest';
import { addressSequence, anonymous, signIn } from '../support/http.js';
import { networkForTest, PASSWORD, type NetworkFixture } from '../support/network-fixture.js';

const network = networkForTest;
const address = addressSequence(55);
const HOUR = 60 * 60 * 1000;

const sessionRows = (fx: NetworkFixture) => fx.app.db.selectFrom('sessions').select(['person_id', 'expires_at']).execute();

describe.concurrent('anonymous sessions', () => {
  it('a visitor’s GET /sign-in keeps its session for an hour at most; a signed-in session lasts 12 hours', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const before = Date.now();
    const visitor = anonymous(fx.app, { remoteAddress: address() });
    await visitor.get('/sign-in');
    const rows = await sessionRows(fx);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.person_id).toBeNull();
    expect(Date.parse(rows[0]!.expires_at)).toBeLessThanOrEqual(Date.now() + HOUR);
    expect(Date.parse(rows[0]!.expires_at)).toBeGreaterThanOrEqual(before + HOUR - 1000);

    await visitor.post('/sign-in', { email: fx.people.memberA1.email, password: PASSWORD }, { tokenFrom: '/sign-in' });
    const signedIn = (await sessionRows(fx)).filter((row) => row.person_id !== null);
    expect(signedIn).toHaveLength(1);
    expect(Date.parse(signedIn[0]!.expires_at)).toBeGreaterThan(Date.now() + 11 * HOUR);
  });

  it('public pages and a bad link store no session at all', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const visitor = anonymous(fx.app, { remoteAddress: address() });
    for (const url of ['/', '/maps/txnsi', '/access/notARealToken0123456789', '/no/such/page']) await visitor.get(url);
    expect(await sessionRows(fx)).toEqual([]);
    expect(visitor.sessionCookie).toBeUndefined();
  });
});

describe.concurrent('my other sessions', () => {
  it('a person sees the devices they are signed in on, and signs the others out from their own page', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const laptop = await signIn(fx.app, fx.people.memberA1.email, PASSWORD, { remoteAddress: address(), headers: { 'user-agent': 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) Chrome/120.0 Safari/537.36' } });
    const phone = await signIn(fx.app, fx.people.memberA1.email, PASSWORD, { remoteAddress: address(), headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1' } });
    const me = `/people/${fx.people.memberA1.id}`;

    const page = await laptop.get(me);
    expect(page.body).toContain('Signed in on 2 devices');
    expect(page.body).toContain('Chrome on ChromeOS');
    expect(page.body).toContain('Safari on iPhone');
    expect(page.body).toMatch(/Chrome on ChromeOS[^<]*<\/span>\s*<strong>\(this device\)<\/strong>/);

    const ended = await laptop.post(`${me}/sessions/end-others`);
    expect(ended.statusCode).toBe(303);
    expect(ended.headers.location).toBe(me);
    expect((await laptop.get(me)).body).toContain('Signed in on 1 device');
    const onPhone = await phone.get(`/groups/${fx.groups.teamA1.id}`);
    expect(onPhone.statusCode).toBe(303);
    expect(onPhone.headers.location).toMatch(/^\/sign-in/);
    expect((await laptop.get(`/groups/${fx.groups.teamA1.id}`)).statusCode).toBe(200);
  });

  it('nobody else sees a person’s devices, not even an admin', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    await signIn(fx.app, fx.people.memberA1.email, PASSWORD, { remoteAddress: address() });
    const admin = await signIn(fx.app, fx.people.admin.email, PASSWORD, { remoteAddress: address() });
    const page = await admin.get(`/people/${fx.people.memberA1.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Signed in on');
    expect((await admin.post(`/people/${fx.people.memberA1.id}/sessions/end-others`)).statusCode).toBe(403);
  });
});
