import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveThing } from '../../server/services/organisation.js';
import { signIn } from '../support/http.js';
import { buildNetworkFixture, PASSWORD, type NetworkFixture } from '../support/network-fixture.js';

let fixture: NetworkFixture;
beforeAll(async () => {
  fixture = await buildNetworkFixture();
  await archiveThing(fixture.app.db, fixture.people.admin.id, 'group', fixture.groups.teamA1.id, true);
  await archiveThing(fixture.app.db, fixture.people.admin.id, 'group', fixture.groups.schoolLeadersA1.id, true);
});
afterAll(async () => {
  await fixture.app.close();
});

describe('archived groups', () => {
  it('stay visible to their members, as history', async () => {
    const member = await signIn(fixture.app, fixture.people.memberA1.email, PASSWORD);
    const page = await member.get(`/groups/${fixture.groups.teamA1.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('· archived');
  });

  it('no longer make anyone a leader', async () => {
    const formerLeader = await signIn(fixture.app, fixture.people.schoolLeaderA1.email, PASSWORD);
    expect((await formerLeader.get(`/sites/${fixture.sites.A1.id}`)).statusCode).toBe(404);
    expect((await formerLeader.get('/network')).statusCode).toBe(404);
  });
});
