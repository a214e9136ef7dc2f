/** A 404 page's way back is chosen from the request (or by the route), never by the service that found nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, signIn, type Agent } from '../support/http.js';
import { buildNetworkFixture, PASSWORD, type NetworkFixture } from '../support/network-fixture.js';

const backLink = (html: string): string | undefined => /<p><a href="([^"]*)">([^<]*)<\/a><\/p>\s*$/m.exec(html.split('<h1>Not found</h1>')[1] ?? '')?.slice(1, 3).join(' | ');

describe('the way back from a 404', () => {
  let f: NetworkFixture;
  let leader: Agent;
  let visitor: Agent;
  beforeAll(async () => {
    f = await buildNetworkFixture();
    leader = await signIn(f.app, f.people.districtLeaderA.email, PASSWORD);
    visitor = anonymous(f.app);
  });
  afterAll(async () => {
    await f.app.close();
  });

  it.each([
    ['a missing check', '/checks/999', '/checks | See your progress checks'],
    ["a group's part in a missing check", () => `/checks/999/groups/${f.groups.teamB1.id}/consensus`, '/checks | See your progress checks'],
    ["another district's group", () => `/groups/${f.groups.teamB1.id}`, '/ | Go to your home page'],
    ['a missing action', '/actions/999', '/ | Go to your home page'],
    ['a missing person', '/people/999', '/ | Go to your home page'],
  ] as const)('%s (signed in) leads back to where it belongs', async (_what, url, expected) => {
    const response = await leader.get(typeof url === 'string' ? url : url());
    expect(response.statusCode).toBe(404);
    expect(backLink(response.body)).toBe(expected);
  });

  it('the map browser chooses its own way back: one level up', async () => {
    const role = await visitor.get('/maps/txnsi/roles/nobody');
    expect(role.statusCode).toBe(404);
    expect(backLink(role.body)).toMatch(/^\/maps\/txnsi \| See the roles of /);
    const map = await visitor.get('/maps/nothing');
    expect(backLink(map.body)).toBe('/ | See the maps that are available');
  });

  it('an address with no page leads a visitor to the home page', async () => {
    const response = await visitor.get('/no/such/page');
    expect(response.statusCode).toBe(404);
    expect(backLink(response.body)).toBe('/ | Go to the home page');
  });
});
