/**
 * Follow-through in a real Chromium: the facilitator records consensus and turns the next step into two
 * actions with owners and dates; a member marks one done with a note (and sees it after a reload); at
 * the next check the consensus looks back on it; the facilitator asks the hub for help and the hub
 * answers; the team sees the answer. Every page is checked with axe; the plan page is photographed on
 * a desktop, a 390px phone and in print.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadAccessScope } from '../../server/access/load-scope.js';
import { findPerson } from '../../server/repositories/people.js';
import { ensureSelfAssessment } from '../../server/repositories/self-assessments.js';
import { checkGroupFor } from '../../server/services/check-access.js';
import { openCheck } from '../../server/services/progress-checks.js';
import { saveAnswers, submitAnswers } from '../../server/services/self-assessment.js';
import { groupRoleKeys } from '../../server/access/group-roles.js';
import { seedNetwork, type NetworkFixture } from '../support/network-fixture.js';
import { expectNoPageProblems, expectNoSeriousA11yViolations, saveScreenshot, useBrowserSession, visit } from './helpers.js';

const session = useBrowserSession();
const { open, url, signInAs } = session;
let network: NetworkFixture;
let firstCheck = 0;

const day = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function newCheck(name: string): Promise<number> {
  const app = session.app();
  const admin = await findPerson(app.db, network.people.admin.id);
  if (admin === undefined) throw new Error('no admin');
  const scope = await loadAccessScope(app.db, admin);
  return openCheck(app.db, app.maps, { id: admin.id, scope }, { name, mapId: 'txnsi', opensOn: day(0), closesOn: day(14), districtId: null, roleKeys: groupRoleKeys });
}

/** A submitted self-assessment at `level` everywhere, through the services. */
async function submitFor(personId: number, checkId: number, level: number): Promise<void> {
  const app = session.app();
  const person = await findPerson(app.db, personId);
  if (person === undefined) throw new Error('no such person');
  const context = await checkGroupFor(app.db, app.maps, await loadAccessScope(app.db, person), checkId, network.groups.teamA1.id);
  const assessment = await ensureSelfAssessment(app.db, checkId, network.groups.teamA1.id, personId);
  const saved = await saveAnswers(app.db, assessment, assessment.version, context.role.outcomes.map((outcome) => ({ outcomeCode: outcome.code, level, evidence: '' })));
  if (!saved.ok) throw new Error('seeding hit a conflict');
  const submitted = await submitAnswers(app.db, { ...assessment, version: saved.version }, saved.version, context.role);
  if (!submitted.ok) throw new Error('seeding a submission failed');
}

async function checked(page: Page, label: string): Promise<void> {
  await expectNoSeriousA11yViolations(page, label);
}

beforeAll(async () => {
  network = await seedNetwork(session.app());
  firstCheck = await newCheck('2026-27 Beginning of year');
  await submitFor(network.people.memberA1.id, firstCheck, 4);
  await submitFor(network.people.facilitatorA1.id, firstCheck, 4);
});

describe('follow-through in Chromium', { timeout: 240_000 }, () => {
  const consensusPath = (checkId: number): string => `/checks/${checkId}/groups/${network.groups.teamA1.id}/consensus`;
  const planPath = (): string => `/groups/${network.groups.teamA1.id}/plan`;

  test('facilitator plans two actions from a next step; a member marks one done; the next check looks back; the hub answers a request', async () => {
    // ---- the facilitator records consensus and plans two actions ----
    // The refused form (a missing date) comes back as a 422 page on purpose.
    const fay = await open({ expectedErrorDocuments: [`/groups/${network.groups.teamA1.id}/actions`] });
    await signInAs(fay.page, network.people.facilitatorA1.email);
    await visit(fay.page, url(consensusPath(firstCheck)));
    await fay.page.getByRole('button', { name: 'Reveal the placements to the group' }).click();
    const outcome = fay.page.locator('#outcome-2\\.1');
    await outcome.locator('label[for="agreed-2.1-4"]').click();
    await outcome.getByLabel('Next step').fill('Check attendance data with the team every week');
    await outcome.getByRole('button', { name: 'Save consensus for 2.1' }).click();
    await fay.page.waitForURL(/consensus#outcome-2\.1$/);
    await checked(fay.page, 'consensus with a recorded outcome');

    await fay.page.getByRole('link', { name: 'Turn the next step for 2.1 into an action' }).click();
    await expect(fay.page.getByLabel('What will be done').inputValue()).resolves.toBe('Check attendance data with the team every week');
    await checked(fay.page, 'plan an action (pre-filled)');
    await fay.page.getByLabel('Test a change with a PDSA cycle').check();
    await fay.page.getByLabel('Milo Moss').check();
    await fay.page.getByLabel('By when').fill(day(10));
    await fay.page.getByRole('button', { name: 'Add the action to the plan' }).click();
    await fay.page.waitForURL(/consensus#outcome-2\.1$/);
    await expect(fay.page.locator('#outcome-2\\.1').innerText()).resolves.toContain('Check attendance data with the team every week');

    // A second action from the plan page: a bad date first (kept text, clear message), then a good one.
    await visit(fay.page, url(planPath()));
    await fay.page.getByRole('link', { name: 'Plan an action' }).click();
    await fay.page.getByLabel('Outcome').selectOption('2.1');
    await fay.page.getByLabel('What will be done').fill('Visit Birch High to see their attendance huddle');
    await fay.page.getByLabel('Learn more').check();
    await fay.page.getByLabel('Fay Fisher').check();
    await fay.page.getByLabel('By when').fill('');
    await fay.page.getByRole('button', { name: 'Add the action to the plan' }).click();
    await expect(fay.page.getByRole('alert').innerText()).resolves.toContain('Enter a due date.');
    await expect(fay.page.getByLabel('What will be done').inputValue()).resolves.toBe('Visit Birch High to see their attendance huddle');
    await checked(fay.page, 'plan an action with an error');
    await fay.page.getByLabel('By when').fill(day(21));
    await fay.page.getByRole('button', { name: 'Add the action to the plan' }).click();
    await fay.page.waitForURL(/\/plan#outcome-2\.1$/);
    await expect(fay.page.locator('main').innerText()).resolves.toContain('3 actions: 3 planned');
    await checked(fay.page, 'plan page');
    expectNoPageProblems(fay.problems);

    // ---- a member sees it due soon, marks it done with a note ----
    const milo = await open({ viewport: { width: 390, height: 844 }, isMobile: true });
    await signInAs(milo.page, network.people.memberA1.email);
    const dueSoon = milo.page.getByRole('region', { name: 'Your actions due soon' });
    await expect(dueSoon.innerText()).resolves.toContain('Check attendance data with the team every week');
    await checked(milo.page, 'home with actions due soon (phone)');
    await dueSoon.getByRole('link', { name: 'Check attendance data with the team every week' }).click();
    await checked(milo.page, 'action page (owner, phone)');
    await milo.page.getByLabel('Status').selectOption('done');
    await milo.page.getByLabel('Progress note (optional)').fill('Weekly huddles running; absences down.');
    await milo.page.getByRole('button', { name: 'Save' }).click();
    await expect(milo.page.getByRole('status').innerText()).resolves.toContain('Action saved: done, with your note.');
    await milo.page.reload();
    const notes = milo.page.getByRole('region', { name: 'Progress notes' });
    await expect(notes.innerText()).resolves.toContain('Milo Moss');
    await expect(notes.innerText()).resolves.toContain('Weekly huddles running; absences down.');
    await expect(milo.page.locator('.action-facts').innerText()).resolves.toContain('Done');
    await visit(milo.page, url(planPath()));
    await saveScreenshot(milo.page, 'action-plan-phone-390');
    await checked(milo.page, 'plan page (phone)');
    await visit(milo.page, url('/me/history'));
    await checked(milo.page, 'personal history');
    expectNoPageProblems(milo.problems);

    // ---- the next check: the consensus looks back on last check's actions ----
    const app = session.app();
    await app.db.updateTable('progress_checks').set({ opens_on: day(-120), closes_on: day(-100) }).where('id', '=', firstCheck).execute();
    const nextCheck = await newCheck('2026-27 Middle of year');
    await submitFor(network.people.memberA1.id, nextCheck, 3);
    await submitFor(network.people.facilitatorA1.id, nextCheck, 3);
    await visit(fay.page, url(consensusPath(nextCheck)));
    // Two members have submitted, not all: revealing asks to confirm first (issue 13, item 6).
    await fay.page.getByLabel(/^Reveal with 2 of \d+ submitted$/).check();
    await fay.page.getByRole('button', { name: 'Reveal the placements to the group' }).click();
    const lookBack = fay.page.locator('#outcome-2\\.1 .look-back');
    await expect(lookBack.innerText()).resolves.toContain('Last check: 2026-27 Beginning of year');
    await expect(lookBack.innerText()).resolves.toContain('Agreed Level 4');
    await expect(lookBack.innerText()).resolves.toMatch(/Check attendance data with the team every week · Milo Moss · due \S+ · Done/);
    await checked(fay.page, 'next check consensus with look-back');

    // ---- the facilitator asks the hub for help; the hub answers ----
    await fay.page.getByRole('link', { name: 'Ask the hub for help on 2.1' }).click();
    await checked(fay.page, 'ask the hub for help');
    await fay.page.getByLabel('What help do you need?').fill('A coach to help us read our attendance run chart');
    await fay.page.getByRole('button', { name: 'Send the request to the hub' }).click();
    await expect(fay.page.getByRole('status').innerText()).resolves.toContain('went to the hub');
    await checked(fay.page, 'request page (team)');
    expectNoPageProblems(fay.problems);

    const hugo = await open({ viewport: { width: 1280, height: 720 } });
    await signInAs(hugo.page, network.people.hubMember.email);
    await hugo.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Requests' }).click();
    await checked(hugo.page, 'hub queue');
    await hugo.page.getByRole('link', { name: /2\.1 Establish an aim statement/ }).first().click();
    await hugo.page.getByLabel('Answer', { exact: true }).fill('Hugo will join your next team meeting with run-chart examples.');
    await hugo.page.getByLabel('Assign to a hub member').selectOption({ label: 'Hugo Hart' });
    await hugo.page.getByRole('button', { name: 'Save the answer' }).click();
    await expect(hugo.page.getByRole('status').innerText()).resolves.toContain('Request saved.');
    await checked(hugo.page, 'request page (hub)');
    expectNoPageProblems(hugo.problems);

    await visit(milo.page, url(planPath()));
    const requests = milo.page.getByRole('region', { name: "Requests for the hub's help" });
    await expect(requests.innerText()).resolves.toContain('Hugo will join your next team meeting with run-chart examples.');
    expectNoPageProblems(milo.problems);
  });

  test('the plan page on a desktop, and its one-page print view', async () => {
    const fay = await open({ viewport: { width: 1280, height: 900 } });
    await signInAs(fay.page, network.people.facilitatorA1.email);
    await visit(fay.page, url(planPath()));
    await saveScreenshot(fay.page, 'action-plan-desktop');
    await visit(fay.page, url(`${planPath()}/print`));
    await checked(fay.page, 'plan one-page view');
    await fay.page.emulateMedia({ media: 'print' });
    await saveScreenshot(fay.page, 'action-plan-print');
    const pdf = await fay.page.pdf({ format: 'A4', printBackground: false });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
    expect(pages).toBe(1);
    expectNoPageProblems(fay.problems);
  });
});
