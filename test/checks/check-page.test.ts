import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGroup } from '../../server/services/organisation.js';
import { signIn, type Agent } from '../support/http.js';
import { buildNetworkFixture, PASSWORD, type NetworkFixture } from '../support/network-fixture.js';
import { utcDay } from './helpers.js';

let f: NetworkFixture;
let admin: Agent;
let checkUrl = '';

beforeAll(async () => {
  f = await buildNetworkFixture();
  // 120 more teams, so the check lists 124 improvement teams (A1, B1 and these) plus the others.
  for (let index = 0; index < 120; index += 1) {
    await addGroup(f.app.db, f.people.admin.id, { name: `Team ${String(index).padStart(3, '0')}`, roleKey: 'improvement-team', districtId: f.districts.A.id, siteId: f.sites.A1.id });
  }
  admin = await signIn(f.app, f.people.admin.email, PASSWORD);
  const opened = await admin.post('/checks', { name: 'Big', map_id: 'txnsi', opens_on: utcDay(0), closes_on: utcDay(10), place: 'network', role_keys: 'improvement-team' }, { tokenFrom: '/checks' });
  checkUrl = String(opened.headers.location);
});
afterAll(async () => {
  await f.app.close();
});

describe('a check with many groups', () => {
  it('lists its groups a hundred to a page, with the total', async () => {
    const first = await admin.get(checkUrl);
    expect(first.body).toContain('122 groups take part in your part of the network');
    expect(first.body.match(/\/consensus"/g)?.length).toBe(100);
    expect(first.body).toContain('Page 1 of 2');
    const second = await admin.get(`${checkUrl}?page=2`);
    expect(second.body.match(/\/consensus"/g)?.length).toBe(22);
    const refused = await admin.get(`${checkUrl}?page=0`);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('page must be a whole number from 1 to 100,000.');
  });
});
