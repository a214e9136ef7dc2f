/** Home pages fit the person: the admin's open checks and to-dos, a school leader's groups, a facilitator's next step, a member's time needed and what happens next. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../support/http.js';
import { buildNetworkFixture, type NetworkFixture } from '../support/network-fixture.js';
import { answerAndSubmit, openCheck, personas, selfUrl, textOf, utcDay } from '../checks/helpers.js';

let f: NetworkFixture;
let as: (name: Parameters<ReturnType<typeof personas>>[0]) => Promise<Agent>;
let id = 0;

beforeAll(async () => {
  f = await buildNetworkFixture();
  as = personas(f, 8);
  id = await openCheck(f, await as('admin'), { name: 'Winter check', closes_on: utcDay(3), role_keys: ['improvement-team'] });
  await answerAndSubmit(await as('memberA1'), selfUrl(id, f.groups.teamA1.id), () => 3);
});
afterAll(async () => {
  await f.app.close();
});

describe('home pages', () => {
  it('the admin sees the open check with its totals and what needs doing', async () => {
    const text = textOf((await (await as('admin')).get('/')).body);
    expect(text).toContain('What needs doing');
    expect(text).toContain('“Winter check” closes in 3 days and 2 of 2 groups have not agreed every outcome.');
    expect(text).toMatch(/1 of 4\s*members submitted/);
    expect(text).toContain('1 person has not set a password yet.');
  });

  it("a school leader sees their school's groups and their progress", async () => {
    const text = textOf((await (await as('schoolLeaderA1')).get('/')).body);
    expect(text).toContain('Your school: Alder Elementary');
    expect(text).toMatch(/Alder Elementary improvement team\s*1 of 3\s*Hidden\s*0 of 15/);
  });

  it("a facilitator sees their group's k of n and the next step", async () => {
    const text = textOf((await (await as('facilitatorA1')).get('/')).body);
    expect(text).toContain('Your team: Alder Elementary improvement team');
    expect(text).toContain('1 of 3 submitted. Next: reveal the placements when your team meets (or wait for the others).');
  });

  it('a member sees the time needed before submitting, and what happens next after', async () => {
    expect(textOf((await (await as('memberB1')).get('/')).body)).toContain('About 20 to 30 minutes');
    const after = textOf((await (await as('memberA1')).get('/')).body);
    expect(after).toContain('You have submitted. What happens next: once your team has submitted (1 of 3 so far)');
  });
});
