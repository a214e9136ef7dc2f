/**
 * A one-time link is only as good as the right that made it: a leader's invitation stops working
 * when its person becomes an admin or moves outside the leader's part of the network, both when the
 * change is made (revoked) and when the link is used (checked again).
 */
import { describe, it } from 'vitest';
import { setNetworkAdmin } from '../../server/repositories/people.js';
import { addressSequence, anonymous, signIn } from '../support/http.js';
import { networkForTest, PASSWORD, type NetworkFixture } from '../support/network-fixture.js';

const network = networkForTest;
const address = addressSequence(88);

/** The invitation path a person page shows once. */
async function invitationBy(fx: NetworkFixture, persona: 'districtLeaderA' | 'admin'): Promise<string> {
  const issuer = await signIn(fx.app, fx.people[persona].email, PASSWORD, { remoteAddress: address() });
  const issued = await issuer.post(`/people/${fx.newcomerA1.id}/access-link`);
  const path = /value="https?:\/\/[^"]+(\/access\/[A-Za-z0-9_-]+)"/.exec(issued.body)?.[1];
  if (path === undefined) throw new Error(`no link issued (${issued.statusCode})`);
  return path;
}

const choose = { password: 'a password of my own', password_confirmation: 'a password of my own' };

describe.concurrent('a leader’s invitation and a change of access', () => {
  it('made a network admin after the leader invited them: the link no longer works, and no admin session comes of it', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const link = await invitationBy(fx, 'districtLeaderA');
    const admin = await signIn(fx.app, fx.people.admin.email, PASSWORD, { remoteAddress: address() });
    expect((await admin.post(`/people/${fx.newcomerA1.id}/admin`, { admin: 'true' })).statusCode).toBe(303);

    const holder = anonymous(fx.app, { remoteAddress: address() });
    const page = await holder.get(link);
    expect(page.statusCode).toBe(410);
    const used = await holder.post(link, choose, { tokenFrom: '/sign-in' });
    expect(used.statusCode).toBe(410);
    expect((await holder.get('/network')).statusCode).toBe(303);
    const person = await fx.app.db.selectFrom('people').select('password_hash').where('id', '=', fx.newcomerA1.id).executeTakeFirstOrThrow();
    expect(person.password_hash).toBeNull();
  });

  it('promoted behind the service’s back (no revocation ran): the link is still refused when used', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const link = await invitationBy(fx, 'districtLeaderA');
    await setNetworkAdmin(fx.app.db, fx.newcomerA1.id, true);
    const holder = anonymous(fx.app, { remoteAddress: address() });
    expect((await holder.get(link)).statusCode).toBe(410);
    expect((await holder.post(link, choose, { tokenFrom: '/sign-in' })).statusCode).toBe(410);
  });

  it('added to a group outside the leader’s district: the leader’s link is revoked', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const link = await invitationBy(fx, 'districtLeaderA');
    const admin = await signIn(fx.app, fx.people.admin.email, PASSWORD, { remoteAddress: address() });
    expect((await admin.post(`/groups/${fx.groups.teamB1.id}/members`, { email: fx.newcomerA1.email })).statusCode).toBe(303);
    const row = await fx.app.db.selectFrom('access_links').select(['expires_at']).where('person_id', '=', fx.newcomerA1.id).executeTakeFirstOrThrow();
    expect(row.expires_at <= new Date().toISOString()).toBe(true);
    expect((await anonymous(fx.app, { remoteAddress: address() }).get(link)).statusCode).toBe(410);
  });

  it('an admin’s invitation survives a change of groups (an admin may invite anyone)', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const link = await invitationBy(fx, 'admin');
    const admin = await signIn(fx.app, fx.people.admin.email, PASSWORD, { remoteAddress: address() });
    expect((await admin.post(`/groups/${fx.groups.teamB1.id}/members`, { email: fx.newcomerA1.email })).statusCode).toBe(303);
    const holder = anonymous(fx.app, { remoteAddress: address() });
    expect((await holder.get(link)).statusCode).toBe(200);
    expect((await holder.post(link, choose, { tokenFrom: link })).statusCode).toBe(303);
  });
});
