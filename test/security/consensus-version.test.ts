/** A crafted consensus form (a version for an outcome with no record yet) is refused with 409, not a 500. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTables, consensusUrl, openCheck, personas, textOf } from '../checks/helpers.js';
import { buildNetworkFixture, type NetworkFixture } from '../support/network-fixture.js';

let f: NetworkFixture;
beforeAll(async () => {
  f = await buildNetworkFixture();
});
afterAll(async () => {
  await f.app.close();
});

describe('consensus versions', () => {
  it.for(['5', '1', '999999'])('version=%s for an outcome with no agreed level answers 409 and saves nothing', async (version) => {
    const as = personas(f, 31);
    const id = await openCheck(f, await as('admin'));
    const facilitator = await as('facilitatorA1');
    const before = await checkTables(f);
    const response = await facilitator.post(`${consensusUrl(id, f.groups.teamA1.id)}/1.1`, { level: '3', rationale: 'Crafted.', version });
    expect(response.statusCode).toBe(409);
    expect(textOf(response.body)).toContain('This form is out of date');
    expect(await checkTables(f)).toEqual(before);
  });

  it('a version that is not a sensible number is refused with 422', async () => {
    const as = personas(f, 32);
    const id = await openCheck(f, await as('admin'));
    const response = await (await as('facilitatorA1')).post(`${consensusUrl(id, f.groups.teamA1.id)}/1.1`, { level: '3', rationale: 'Crafted.', version: '1e300' });
    expect(response.statusCode).toBe(422);
  });
});
